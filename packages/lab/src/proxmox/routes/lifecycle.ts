import {
  assertDigest,
  checkLock,
  type SimContext,
  type SimRequest,
  type SimRoute,
} from '../context';
import { P, type ParamSpec } from '../params';
import { PveError } from '../pveHttp';
import { bootGuest, haltGuest } from '../guestPower';
import {
  configDigest,
  formatSize,
  parseSize,
  type SimContainer,
  withMac,
} from '../state';
import { restoreCt } from './backups';
import { checkFeaturesPermission } from './features';

const NET_KEYS = [
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
const ROOTFS_KEYS = [
  'volume',
  'acl',
  'mountoptions',
  'quota',
  'replicate',
  'ro',
  'shared',
  'size',
];
const FEATURE_KEYS = [
  'force_rw_sys',
  'fuse',
  'keyctl',
  'mknod',
  'mount',
  'nesting',
];

const CONFIG_PARAMS: Record<string, ParamSpec> = {
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

function sshKeysValid(keys: string): boolean {
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

function createCt(ctx: SimContext, req: SimRequest): string {
  const p = req.params;
  if (p.restore) return restoreCt(ctx, req);
  const vmid = Number(p.vmid);
  const node = ctx.state.node;
  // pve-cluster check_vmid_unused dies synchronously (plain 500, no "unable to create" prefix),
  // even though external-apis.md suggests a 400 errors.vmid: that is only nextid's answer
  if (ctx.state.containers.has(vmid))
    throw PveError.die(`CT ${vmid} already exists on node '${node}'`);
  if (
    p['ssh-public-keys'] !== undefined &&
    !sshKeysValid(String(p['ssh-public-keys']))
  ) {
    throw PveError.die('SSH public key validation error');
  }
  if (p.features !== undefined)
    checkFeaturesPermission(undefined, p.features, req.auth.isRoot);
  const template = String(p.ostemplate);
  if (ctx.state.volumes.get(template)?.content !== 'vztmpl') {
    throw PveError.die(
      `unable to create CT ${vmid} - volume '${template}' does not exist`,
    );
  }
  const rootfsMatch = /^([a-z][a-z0-9._-]*):(\d+(?:\.\d+)?)(,.*)?$/i.exec(
    String(p.rootfs ?? 'local-lvm:4'),
  );
  if (!rootfsMatch)
    throw PveError.params({
      rootfs: 'new volumes need the form STORAGE:SIZE_IN_GiB',
    });
  const config: SimContainer['config'] = {
    arch: String(p.arch ?? 'amd64'),
    cores: Number(p.cores ?? 1),
    hostname: String(p.hostname ?? `CT${vmid}`),
    memory: Number(p.memory ?? 512),
    swap: Number(p.swap ?? 512),
    ostype: String(
      p.ostype ?? (/debian/.test(template) ? 'debian' : 'unmanaged'),
    ),
    rootfs: `${rootfsMatch[1]}:vm-${vmid}-disk-0,size=${formatSize(
      parseSize(`${rootfsMatch[2]}G`)!,
    )}`,
    unprivileged: Number(p.unprivileged ?? 1),
  };
  for (const key of [
    'features',
    'tags',
    'description',
    'cpulimit',
    'onboot',
    'nameserver',
    'searchdomain',
    'timezone',
  ]) {
    if (p[key] !== undefined) config[key] = p[key];
  }
  for (const [key, value] of Object.entries(p)) {
    if (/^net\d+$/.test(key))
      config[key] = /hwaddr=/.test(String(value))
        ? String(value)
        : withMac(String(value), vmid, 0);
  }
  const ct: SimContainer = {
    vmid,
    config,
    status: 'stopped',
    lock: 'create',
    snapshots: [],
    firewall: { options: {}, rules: [] },
    createdAt: ctx.now(),
    fromGoldenTemplate: false,
    pool: p.pool !== undefined ? String(p.pool) : undefined,
  };
  ctx.state.containers.set(vmid, ct);
  return ctx.startTask({
    type: 'vzcreate',
    id: String(vmid),
    req,
    operation: 'proxmox.lxc.create',
    work: async task => {
      task.log.push(
        `extracting archive '/var/lib/vz/template/cache/${template
          .split('/')
          .pop()}'`,
      );
      ct.lock = undefined;
      if (p.start) await bootGuest(ctx, ct);
    },
    onFail: () => {
      ctx.state.containers.delete(vmid);
    },
  });
}

function cloneCt(ctx: SimContext, req: SimRequest): string {
  const p = req.params;
  const src = ctx.ct(Number(p.vmid));
  const newid = Number(p.newid);
  const node = ctx.state.node;
  if (p.target !== undefined && p.target !== node && p.target !== 'localhost') {
    throw PveError.die(`no such cluster node '${p.target}'`);
  }
  checkLock(src); // set_lock($vmid, 'disk')
  if (ctx.state.containers.has(newid))
    throw PveError.die(`CT ${newid} already exists on node '${node}'`);
  const isTemplate = Number(src.config.template ?? 0) === 1;
  const full = p.full !== undefined ? Number(p.full) === 1 : !isTemplate;
  if (p.storage !== undefined && !full)
    throw PveError.die("parameter 'storage' not allowed for linked clones");
  if (
    p.snapname !== undefined &&
    !src.snapshots.some(s => s.name === p.snapname)
  ) {
    throw PveError.die(`snapshot '${p.snapname}' does not exist`);
  }
  const rootVolume = String(src.config.rootfs ?? '').split(',')[0];
  if (!full && !isTemplate)
    throw PveError.die(
      `Linked clone feature for '${rootVolume}' is not available`,
    );
  if (full && src.status === 'running' && p.snapname === undefined) {
    throw PveError.die(
      'Full clone of a running container is only possible from a snapshot',
    );
  }

  const base =
    p.snapname !== undefined
      ? src.snapshots.find(s => s.name === p.snapname)!.config
      : src.config;
  const config: SimContainer['config'] = {};
  for (const [k, v] of Object.entries(base)) {
    if (k === 'template' || /^unused\d+$/.test(k)) continue;
    config[k] = v;
  }
  const size = /size=([^,]+)/.exec(String(base.rootfs ?? ''))?.[1] ?? '8G';
  const storage =
    p.storage !== undefined ? String(p.storage) : rootVolume.split(':')[0];
  config.rootfs = `${storage}:vm-${newid}-disk-0,size=${size}`;
  for (const k of Object.keys(config)) {
    if (/^net\d+$/.test(k)) config[k] = withMac(String(config[k]), newid, 0);
  }
  if (p.hostname !== undefined) config.hostname = String(p.hostname);
  if (p.description !== undefined) config.description = String(p.description);
  const ct: SimContainer = {
    vmid: newid,
    config,
    status: 'stopped',
    lock: 'create',
    snapshots: [],
    firewall: JSON.parse(JSON.stringify(src.firewall)),
    createdAt: ctx.now(),
    fromGoldenTemplate: src.fromGoldenTemplate,
    pool: p.pool !== undefined ? String(p.pool) : undefined,
  };
  src.lock = 'disk';
  ctx.state.containers.set(newid, ct);
  return ctx.startTask({
    type: 'vzclone',
    id: String(src.vmid),
    req,
    operation: 'proxmox.lxc.clone',
    work: task => {
      task.log.push(
        `create ${
          full ? 'full' : 'linked'
        } clone of mount point rootfs (${rootVolume})`,
      );
      ct.lock = undefined;
      src.lock = undefined;
    },
    onFail: () => {
      ctx.state.containers.delete(newid);
      src.lock = undefined;
    },
  });
}

function startCt(ctx: SimContext, req: SimRequest): string {
  const ct = ctx.ct(Number(req.params.vmid));
  if (ct.status === 'running')
    throw PveError.die(`CT ${ct.vmid} already running`);
  if (Number(ct.config.template ?? 0) === 1)
    throw PveError.die("you can't start a CT if it's a template");
  checkLock(ct);
  const upid = ctx.startTask({
    type: 'vzstart',
    id: String(ct.vmid),
    req,
    operation: 'proxmox.lxc.start',
    work: () => {
      // the new-address fault: DHCP hands out another lease, the old address stops answering
      if (req.fault?.kind === 'new-address') ct.lease = (ct.lease ?? 0) + 1;
      return bootGuest(ctx, ct);
    },
    onFail: () => {
      ct.status = 'stopped';
    },
  });
  return upid;
}

function stopCt(
  ctx: SimContext,
  req: SimRequest,
  kind: 'stop' | 'shutdown',
): string {
  const ct = ctx.ct(Number(req.params.vmid));
  if (ct.status !== 'running') throw PveError.die(`CT ${ct.vmid} not running`);
  checkLock(ct);
  const operation = `proxmox.lxc.${kind}`;
  const timeoutMs =
    kind === 'shutdown' ? Number(req.params.timeout ?? 60) * 1000 : Infinity;
  const tooSlow = ctx.control.latencyOf(operation) > timeoutMs;
  const forceStop = Number(req.params.forceStop ?? 0) === 1;
  return ctx.startTask({
    type: kind === 'stop' ? 'vzstop' : 'vzshutdown',
    id: String(ct.vmid),
    req,
    operation,
    work: async () => {
      if (tooSlow && !forceStop) {
        throw new Error(
          `command 'lxc-stop -n ${ct.vmid} --timeout ${
            timeoutMs / 1000
          }' failed: exit code 1`,
        );
      }
      await haltGuest(ctx, ct);
    },
  });
}

function destroyCt(ctx: SimContext, req: SimRequest): string {
  const ct = ctx.ct(Number(req.params.vmid));
  checkLock(ct);
  const force = Number(req.params.force ?? 0) === 1;
  if (ct.status === 'running' && !force) {
    throw PveError.die(
      `unable to destroy CT ${ct.vmid} - container is running`,
    );
  }
  if (Number(ct.config.protection ?? 0) === 1) {
    throw PveError.die(`can't remove CT ${ct.vmid} - protection mode enabled`);
  }
  ct.lock = 'destroyed';
  return ctx.startTask({
    type: 'vzdestroy',
    id: String(ct.vmid),
    req,
    operation: 'proxmox.lxc.destroy',
    work: async task => {
      if (ct.status === 'running') {
        task.log.push(`forced to stop CT ${ct.vmid} before destroying!`);
        await haltGuest(ctx, ct);
      }
      if (ctx.guests) await ctx.guests.destroy(ct.vmid);
      task.log.push(
        `Logical volume "vm-${ct.vmid}-disk-0" successfully removed.`,
      );
      ctx.state.containers.delete(ct.vmid);
    },
    onFail: () => {
      ct.lock = undefined;
    },
  });
}

function resizeCt(ctx: SimContext, req: SimRequest): string {
  const ct = ctx.ct(Number(req.params.vmid));
  checkLock(ct);
  assertDigest(req.params.digest, configDigest(ct.config));
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

function updateConfig(ctx: SimContext, req: SimRequest): null {
  const ct = ctx.ct(Number(req.params.vmid));
  const { node: _n, vmid: _v, digest, delete: del, ...changes } = req.params;
  checkLock(ct);
  assertDigest(digest, configDigest(ct.config));
  if ('features' in changes)
    checkFeaturesPermission(
      ct.config.features,
      changes.features,
      req.auth.isRoot,
    );
  const removals =
    del !== undefined
      ? String(del)
          .split(/[,; ]+/)
          .filter(Boolean)
      : [];
  if (removals.includes('features'))
    checkFeaturesPermission(ct.config.features, undefined, req.auth.isRoot);
  if ('rootfs' in changes)
    throw PveError.params({ rootfs: 'unable to modify read-only option' });
  for (const key of removals) delete ct.config[key];
  Object.assign(ct.config, changes);
  return null;
}

const vmidPath = { node: P.node, vmid: P.vmid };

/** CT lifecycle routes: create, clone, power, destroy, resize and config. */
export const lifecycleRoutes: SimRoute[] = [
  {
    method: 'POST',
    template: '/nodes/{node}/lxc',
    operation: 'proxmox.lxc.create',
    task: true,
    params: {
      ...CONFIG_PARAMS,
      node: P.node,
      vmid: P.vmid,
      ostemplate: { type: 'string', maxLength: 255 },
      unprivileged: P.bool,
      'ssh-public-keys': P.optString,
      password: { type: 'string', optional: true },
      pool: P.optString,
      start: P.bool,
      storage: P.optString,
      restore: P.bool,
      force: P.bool,
      unique: P.bool,
      'ignore-unpack-errors': P.bool,
      bwlimit: { type: 'number', optional: true, min: 0 },
    },
    indexed: { net: P.propString(NET_KEYS) },
    handle: createCt,
  },
  {
    method: 'POST',
    template: '/nodes/{node}/lxc/{vmid}/clone',
    operation: 'proxmox.lxc.clone',
    task: true,
    params: {
      ...vmidPath,
      newid: P.vmid,
      hostname: P.dnsName,
      full: P.bool,
      pool: P.optString,
      target: { ...P.node, optional: true },
      description: P.optString,
      snapname: { ...P.snapname, optional: true },
      storage: P.optString,
      bwlimit: { type: 'number', optional: true, min: 0 },
    },
    handle: cloneCt,
  },
  {
    method: 'POST',
    template: '/nodes/{node}/lxc/{vmid}/status/start',
    operation: 'proxmox.lxc.start',
    task: true,
    params: { ...vmidPath, debug: P.bool, skiplock: P.bool },
    handle: startCt,
  },
  {
    method: 'POST',
    template: '/nodes/{node}/lxc/{vmid}/status/stop',
    operation: 'proxmox.lxc.stop',
    task: true,
    params: { ...vmidPath, skiplock: P.bool, 'overrule-shutdown': P.bool },
    handle: (ctx, req) => stopCt(ctx, req, 'stop'),
  },
  {
    method: 'POST',
    template: '/nodes/{node}/lxc/{vmid}/status/shutdown',
    operation: 'proxmox.lxc.shutdown',
    task: true,
    params: {
      ...vmidPath,
      timeout: { type: 'integer', optional: true, min: 0 },
      forceStop: P.bool,
    },
    handle: (ctx, req) => stopCt(ctx, req, 'shutdown'),
  },
  {
    method: 'DELETE',
    template: '/nodes/{node}/lxc/{vmid}',
    operation: 'proxmox.lxc.destroy',
    task: true,
    params: {
      ...vmidPath,
      purge: P.bool,
      force: P.bool,
      'destroy-unreferenced-disks': P.bool,
    },
    handle: destroyCt,
  },
  {
    method: 'PUT',
    template: '/nodes/{node}/lxc/{vmid}/resize',
    operation: 'proxmox.lxc.resize',
    task: true,
    params: {
      ...vmidPath,
      disk: {
        type: 'string',
        enum: ['rootfs', ...Array.from({ length: 256 }, (_, i) => `mp${i}`)],
      },
      size: { type: 'string', pattern: /^\+?\d+(\.\d+)?[KMGT]?$/ },
      digest: { type: 'string', optional: true, maxLength: 40 },
    },
    handle: resizeCt,
  },
  {
    method: 'GET',
    template: '/nodes/{node}/lxc/{vmid}/config',
    operation: 'proxmox.lxc.config.get',
    params: {
      ...vmidPath,
      current: P.bool,
      snapshot: { ...P.snapname, optional: true },
    },
    handle: (ctx, req) => {
      const ct = ctx.ct(Number(req.params.vmid));
      const config = {
        ...ct.config,
        digest: configDigest(ct.config),
      } as Record<string, unknown>;
      if (ct.lock) config.lock = ct.lock;
      return config;
    },
  },
  {
    method: 'PUT',
    template: '/nodes/{node}/lxc/{vmid}/config',
    operation: 'proxmox.lxc.config.update',
    params: {
      ...vmidPath,
      ...CONFIG_PARAMS,
      digest: { type: 'string', optional: true, maxLength: 40 },
      delete: P.optString,
    },
    indexed: { net: P.propString(NET_KEYS) },
    handle: updateConfig,
  },
];
