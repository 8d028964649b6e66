// Restoring a CT from a vzdump archive (`POST /nodes/{node}/lxc` with `restore=1`).
import { checkLock, type SimContext, type SimRequest } from '../context';
import { bootGuest } from '../guestPower';
import { PveError } from '../pveHttp';
import { type SimContainer, withMac } from '../state';
import { storageOf } from './storageVolumes';
import { checkVolumeAccess, hasPriv, requirePriv } from '../access/guestChecks';

/**
 * `POST /nodes/{node}/lxc` with `restore=1`: a new CT (or, with `force=1`, the stopped CT of the
 * same vmid replaced) from a backup archive; the guest's disk comes back with it.
 */
export function restoreCt(ctx: SimContext, req: SimRequest): string {
  const p = req.params;
  const vmid = Number(p.vmid);
  const node = ctx.state.node;
  const existing = ctx.state.containers.get(vmid);
  if (existing && !p.force)
    throw PveError.die(`CT ${vmid} already exists on node '${node}'`);
  if (existing) {
    checkLock(existing);
    if (existing.status === 'running')
      throw PveError.die(`unable to restore CT ${vmid} - CT is running`);
  }
  const volid = String(p.ostemplate);
  // the create description: "For restore, it is enough if the user has 'VM.Backup' permission
  // and the VM already exists." Then read access to the archive, as create_vm checks.
  if (!(existing && hasPriv(ctx, req, `/vms/${vmid}`, ['VM.Backup'])))
    requirePriv(ctx, req, `/vms/${vmid}`, ['VM.Allocate']);
  checkVolumeAccess(ctx, req, volid);
  const volume = ctx.state.volumes.get(volid);
  if (!volume?.backup)
    throw PveError.die(
      `unable to restore CT ${vmid} - volume '${volid}' does not exist`,
    );
  const backup = volume.backup;
  const config: SimContainer['config'] = {};
  for (const [k, v] of Object.entries(backup.config)) {
    if (k === 'lock' || /^unused\d+$/.test(k)) continue;
    config[k] = v;
  }
  const rootfs = String(backup.config.rootfs ?? '');
  const size = /size=([^,]+)/.exec(rootfs)?.[1] ?? '8G';
  const targetStorage =
    p.storage !== undefined
      ? String(p.storage)
      : rootfs.split(':')[0] || 'local-lvm';
  storageOf(ctx, targetStorage);
  requirePriv(ctx, req, `/storage/${targetStorage}`, [
    'Datastore.AllocateSpace',
  ]);
  const isTemplate = Number(config.template ?? 0) === 1;
  config.rootfs = `${targetStorage}:${
    isTemplate ? 'base' : 'vm'
  }-${vmid}-disk-0,size=${size}`;
  for (const [key, value] of Object.entries(p)) {
    if (
      [
        'node',
        'vmid',
        'ostemplate',
        'restore',
        'force',
        'unique',
        'storage',
        'start',
        'pool',
        'ignore-unpack-errors',
        'bwlimit',
        'rootfs',
        'password',
        'ssh-public-keys',
      ].includes(key)
    )
      continue;
    config[key] = value;
  }
  for (const k of Object.keys(config)) {
    if (/^net\d+$/.test(k) && p.unique)
      config[k] = withMac(String(config[k]), vmid, Date.now());
  }
  const ct: SimContainer = {
    vmid,
    config,
    status: 'stopped',
    lock: 'create',
    snapshots: [],
    firewall: JSON.parse(JSON.stringify(backup.firewall)),
    createdAt: ctx.now(),
    fromGoldenTemplate: backup.fromGoldenTemplate,
    pool: p.pool !== undefined ? String(p.pool) : undefined,
  };
  const replaced = existing;
  ctx.state.containers.set(vmid, ct);
  return ctx.startTask({
    type: 'vzrestore',
    id: String(vmid),
    req,
    operation: 'proxmox.lxc.restore',
    work: async task => {
      task.log.push(`recovering backed-up configuration from '${volid}'`);
      if (replaced && ctx.guests) await ctx.guests.destroy(vmid);
      if (backup.disk !== undefined && ctx.guests?.importDisk)
        ctx.guests.importDisk(vmid, backup.disk as never);
      task.log.push(`restoring '${volid}' now..`);
      ct.lock = undefined;
      if (p.start) await bootGuest(ctx, ct);
    },
    onFail: () => {
      if (replaced) ctx.state.containers.set(vmid, replaced);
      else ctx.state.containers.delete(vmid);
    },
  });
}
