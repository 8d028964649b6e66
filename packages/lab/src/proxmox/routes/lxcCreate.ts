// CT creation and cloning (`POST /nodes/{node}/lxc`, `/clone`).
import { checkLock, type SimContext, type SimRequest } from '../context';
import { PveError } from '../pveHttp';
import { bootGuest } from '../guestPower';
import { formatSize, parseSize, type SimContainer, withMac } from '../state';
import { restoreCt } from './restore';
import {
  checkBridgeAccess,
  checkCtModifyConfigPerm,
  checkVolumeAccess,
  requirePriv,
} from '../access/guestChecks';
import { sshKeysValid } from './lxcConfig';

// parameters create_vm extracts before check_ct_modify_config_perm sees the rest
const CREATE_ONLY = new Set([
  'node',
  'vmid',
  'ostemplate',
  'password',
  'ssh-public-keys',
  'pool',
  'start',
  'storage',
  'restore',
  'force',
  'unique',
  'ignore-unpack-errors',
  'bwlimit',
  'unprivileged',
]);

/**
 * The create description: "You need 'VM.Allocate' permission on /vms/{vmid} or on the VM pool
 * /pool/{pool}. [...] You also need 'Datastore.AllocateSpace' permissions on the storage. For
 * privileged containers, 'Sys.Modify' permissions on '/' are required." Then, as create_vm does,
 * each config key (check_ct_modify_config_perm) and read access to the template.
 */
function checkCreatePermissions(
  ctx: SimContext,
  req: SimRequest,
  vmid: number,
  template: string,
): void {
  const p = req.params;
  requirePriv(ctx, req, `/vms/${vmid}`, ['VM.Allocate']);
  const unprivileged = p.unprivileged === undefined || p.unprivileged === 1;
  if (!unprivileged) requirePriv(ctx, req, '/', ['Sys.Modify']);
  const conf = Object.fromEntries(
    Object.entries(p).filter(([k]) => !CREATE_ONLY.has(k)),
  );
  checkCtModifyConfigPerm(ctx, req, vmid, undefined, conf, [], unprivileged);
  checkVolumeAccess(ctx, req, template);
  const rootStorage = String(p.rootfs ?? 'local-lvm:4').split(':')[0];
  requirePriv(ctx, req, `/storage/${rootStorage}`, ['Datastore.AllocateSpace']);
}

export function createCt(ctx: SimContext, req: SimRequest): string {
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
  const template = String(p.ostemplate);
  checkCreatePermissions(ctx, req, vmid, template);
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

export function cloneCt(ctx: SimContext, req: SimRequest): string {
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
  // the clone description: "You also need 'Datastore.AllocateSpace' on any used storage, and
  // 'SDN.Use' on any bridge."
  requirePriv(ctx, req, `/storage/${storage}`, ['Datastore.AllocateSpace']);
  for (const k of Object.keys(config)) {
    if (/^net\d+$/.test(k)) {
      config[k] = withMac(String(config[k]), newid, 0);
      checkBridgeAccess(ctx, req, config[k]);
    }
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
