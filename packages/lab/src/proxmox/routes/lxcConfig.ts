// CT config keys and their checks, `PUT /nodes/{node}/lxc/{vmid}/config` and `/resize`.
import {
  assertDigest,
  checkLock,
  type SimContext,
  type SimRequest,
} from '../context';
import { P, type ParamSpec } from '../params';
import type { PveValue } from '../state';
import { PveError } from '../pveHttp';
import { formatSize, parseSize } from '../state';
import { ctDigest, writeChanges } from '../hotplug';
import { checkCtModifyConfigPerm, requirePriv } from '../access/guestChecks';

export const NET_KEYS = [
  'name',
  'bridge',
  'firewall',
  'gw',
  'gw6',
  'hwaddr',
  'ip',
  'ip6',
  'link_down',
  'mtu',
  'rate',
  'tag',
  'trunks',
  'type',
  'host-managed',
];
export const ROOTFS_KEYS = [
  'volume',
  'acl',
  'mountoptions',
  'quota',
  'replicate',
  'ro',
  'shared',
  'size',
];
export const FEATURE_KEYS = [
  'force_rw_sys',
  'fuse',
  'keyctl',
  'mknod',
  'mount',
  'nesting',
];

export const CONFIG_PARAMS: Record<string, ParamSpec> = {
  cores: { type: 'integer', optional: true, min: 1, max: 8192 },
  cpulimit: { type: 'number', optional: true, min: 0, max: 8192 },
  memory: { type: 'integer', optional: true, min: 16 },
  swap: { type: 'integer', optional: true, min: 0 },
  hostname: P.dnsName,
  description: { type: 'string', optional: true, maxLength: 8192 },
  tags: P.tags,
  features: P.propString(FEATURE_KEYS),
  onboot: P.bool,
  nameserver: P.optString,
  searchdomain: P.optString,
  ostype: {
    type: 'string',
    optional: true,
    enum: [
      'debian',
      'devuan',
      'ubuntu',
      'centos',
      'fedora',
      'opensuse',
      'archlinux',
      'alpine',
      'gentoo',
      'nixos',
      'unmanaged',
    ],
  },
  arch: {
    type: 'string',
    optional: true,
    enum: ['amd64', 'i386', 'arm64', 'armhf', 'riscv32', 'riscv64'],
  },
  timezone: P.optString,
  protection: P.bool,
  rootfs: P.propString(ROOTFS_KEYS, 'volume'),
};

export function sshKeysValid(keys: string): boolean {
  return keys
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !l.startsWith('#'))
    .every(l =>
      /^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+=*( .*)?$/.test(
        l,
      ),
    );
}

export function resizeCt(ctx: SimContext, req: SimRequest): string {
  const ct = ctx.ct(Number(req.params.vmid));
  checkLock(ct);
  assertDigest(req.params.digest, ctDigest(ct));
  const disk = String(req.params.disk);
  const volume = ct.config[disk];
  if (volume === undefined)
    throw PveError.die(
      `unable to parse mount point '${disk}' - no volume configured`,
    );
  const sizeStr = String(req.params.size);
  const ext = sizeStr.startsWith('+');
  const request = parseSize(ext ? sizeStr.slice(1) : sizeStr);
  if (request === undefined) throw PveError.die('invalid size string');
  const current =
    parseSize(/size=([^,]+)/.exec(String(volume))?.[1] ?? '0') ?? 0;
  const newSize = Math.floor(ext ? current + request : request);
  if (newSize < current) throw PveError.die('unable to shrink disk size');
  if (newSize === current)
    throw PveError.die('disk is already at specified size');
  // pve-container resize_vm checks the volume's storage beyond the pinned VM.Config.Disk
  const storage = String(volume).split(',')[0].split(':')[0];
  requirePriv(ctx, req, `/storage/${storage}`, ['Datastore.AllocateSpace']);
  return ctx.startTask({
    type: 'resize',
    id: String(ct.vmid),
    req,
    operation: 'proxmox.lxc.resize',
    work: () => {
      ct.config[disk] = String(ct.config[disk]).replace(
        /size=[^,]+/,
        `size=${formatSize(newSize)}`,
      );
    },
  });
}

export function updateConfig(ctx: SimContext, req: SimRequest): null {
  const ct = ctx.ct(Number(req.params.vmid));
  const { node: _n, vmid: _v, digest, delete: del, ...changes } = req.params;
  checkLock(ct);
  assertDigest(digest, ctDigest(ct));
  const removals =
    del !== undefined
      ? String(del)
          .split(/[,; ]+/)
          .filter(Boolean)
      : [];
  checkCtModifyConfigPerm(
    ctx,
    req,
    ct.vmid,
    ct.config,
    changes,
    removals,
    Number(ct.config.unprivileged ?? 0) === 1,
  );
  if ('rootfs' in changes)
    throw PveError.params({ rootfs: 'unable to modify read-only option' });
  for (const key of removals) delete ct.config[key];
  // a running CT takes what pve-container hotplugs; the rest waits for its next start
  writeChanges(ct, changes as Record<string, PveValue>);
  return null;
}
