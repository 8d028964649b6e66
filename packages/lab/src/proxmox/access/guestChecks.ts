// What PVE checks inside handlers whose pinned `permissions` is a description (`user: all`, or a
// `check` plus a description): each function cites the description or the source it follows.
import type { SimContext, SimRequest } from '../context';
import { PveError } from '../pveHttp';
import { parseFeatures } from '../routes/features';
import type { PveValue } from '../state';

type Conf = Record<string, PveValue | undefined>;

function authid(req: SimRequest): string {
  return req.auth.tokenUser;
}

/** `check` for this request's caller, 403 on failure. */
export function requirePriv(
  ctx: SimContext,
  req: SimRequest,
  path: string,
  privs: string[],
  any = false,
): void {
  if (req.auth.isRoot) return;
  ctx.access.check(authid(req), path, privs, { any });
}

/** `check(..., noerr)` for this request's caller. */
export function hasPriv(
  ctx: SimContext,
  req: SimRequest,
  path: string,
  privs: string[],
  any = false,
): boolean {
  if (req.auth.isRoot) return true;
  return ctx.access.check(authid(req), path, privs, { any, noerr: true });
}

/** The vmid owning a volume (`vm-101-disk-0`, `base-9000-disk-0`, `vzdump-lxc-101-...`). */
function volumeOwner(volid: string): number | undefined {
  const m =
    /(?:^|\/|:)(?:vm|base|subvol|basevol)-(\d+)-|vzdump-lxc-(\d+)-/.exec(volid);
  return m ? Number(m[1] ?? m[2]) : undefined;
}

/** The content type of a volume id as PVE::Storage::parse_volname derives it. */
function volumeType(volid: string): string {
  const name = volid.slice(volid.indexOf(':') + 1);
  if (name.startsWith('vztmpl/')) return 'vztmpl';
  if (name.startsWith('iso/')) return 'iso';
  if (name.startsWith('backup/') || /vzdump-/.test(name)) return 'backup';
  return 'images';
}

/**
 * PVE::Storage::check_volume_access ("You need read access for the volume"): Datastore.Allocate on
 * the storage suffices; templates need Datastore.AllocateSpace or Datastore.Audit; a CT's own
 * volumes are its own; backups need Datastore.AllocateSpace and VM.Backup on the owner; disks of
 * other CTs need Datastore.Audit and VM.Config.Disk on the owner.
 */
export function checkVolumeAccess(
  ctx: SimContext,
  req: SimRequest,
  volid: string,
  vmid?: number,
): void {
  if (req.auth.isRoot) return;
  const storage = volid.split(':')[0];
  if (hasPriv(ctx, req, `/storage/${storage}`, ['Datastore.Allocate'])) return;
  const type = volumeType(volid);
  const owner = volumeOwner(volid);
  if (type === 'vztmpl' || type === 'iso') {
    requirePriv(
      ctx,
      req,
      `/storage/${storage}`,
      ['Datastore.AllocateSpace', 'Datastore.Audit'],
      true,
    );
  } else if (owner !== undefined && vmid !== undefined && owner === vmid) {
    // the CT's own volume
  } else if (type === 'backup' && owner !== undefined) {
    requirePriv(ctx, req, `/storage/${storage}`, ['Datastore.AllocateSpace']);
    requirePriv(ctx, req, `/vms/${owner}`, ['VM.Backup']);
  } else if (owner !== undefined) {
    requirePriv(ctx, req, `/storage/${storage}`, ['Datastore.Audit']);
    requirePriv(ctx, req, `/vms/${owner}`, ['VM.Config.Disk']);
  } else {
    throw PveError.die(`missing privileges to access ${volid}`);
  }
}

/**
 * PVE::LXC::check_bridge_access (the clone's "'SDN.Use' on any bridge"): SDN.Use on
 * `/sdn/zones/localnetwork/<bridge>` (plus `/<tag>` for a VLAN tag) for a bridge outside SDN.
 */
export function checkBridgeAccess(
  ctx: SimContext,
  req: SimRequest,
  net: PveValue | undefined,
): void {
  if (net === undefined) return;
  const props = new Map(
    String(net)
      .split(',')
      .map(kv => kv.split('=') as [string, string]),
  );
  const bridge = props.get('bridge');
  if (!bridge) return;
  const tag = props.get('tag');
  requirePriv(
    ctx,
    req,
    `/sdn/zones/localnetwork/${bridge}${tag ? `/${tag}` : ''}`,
    ['SDN.Use'],
  );
}

/**
 * PVE::LXC::check_ct_modify_config_perm, called by create and by `PUT .../config` (whose
 * description adds: "non-volume mount points in rootfs and mp[n] are restricted to root@pam").
 * Per key: cores/cpulimit/cpuunits VM.Config.CPU; rootfs/mp[n] VM.Config.Disk and
 * Datastore.AllocateSpace on a new volume's storage; memory/swap VM.Config.Memory; net[n]
 * VM.Config.Network and the bridge; hostname/nameserver/searchdomain VM.Config.Network; features:
 * only nesting, and only VM.Allocate, for a token; tags VM.Config.Options (assert_tag_permissions);
 * anything else VM.Config.Options.
 */
export function checkCtModifyConfigPerm(
  ctx: SimContext,
  req: SimRequest,
  vmid: number,
  oldConf: Conf | undefined,
  newConf: Conf,
  deleted: string[],
  unprivileged: boolean,
): void {
  if (req.auth.isRoot) return;
  const vm = `/vms/${vmid}`;
  const one = (key: string, isDelete: boolean) => {
    if (['cores', 'cpuunits', 'cpulimit'].includes(key)) {
      requirePriv(ctx, req, vm, ['VM.Config.CPU']);
    } else if (key === 'rootfs' || /^mp\d+$/.test(key)) {
      requirePriv(ctx, req, vm, ['VM.Config.Disk']);
      if (isDelete) return;
      const volume = String(newConf[key])
        .split(',')[0]
        .replace(/^volume=/, '');
      if (volume.startsWith('/'))
        throw PveError.perm(
          'mount point type bind is only allowed for root@pam',
        );
      const fresh = /^([a-z][a-z0-9._-]*):(\d+(\.\d+)?)$/i.exec(volume);
      if (fresh)
        requirePriv(ctx, req, `/storage/${fresh[1]}`, [
          'Datastore.AllocateSpace',
        ]);
      else checkVolumeAccess(ctx, req, volume, vmid);
    } else if (key === 'memory' || key === 'swap') {
      requirePriv(ctx, req, vm, ['VM.Config.Memory']);
    } else if (/^net\d+$/.test(key)) {
      requirePriv(ctx, req, vm, ['VM.Config.Network']);
      checkBridgeAccess(ctx, req, oldConf?.[key]);
      if (!isDelete) checkBridgeAccess(ctx, req, newConf[key]);
    } else if (['nameserver', 'searchdomain', 'hostname'].includes(key)) {
      requirePriv(ctx, req, vm, ['VM.Config.Network']);
    } else if (key === 'features') {
      if (!unprivileged)
        throw PveError.perm(
          'changing feature flags for privileged container is only allowed for root@pam',
        );
      const before = parseFeatures(oldConf?.features);
      const after = parseFeatures(isDelete ? undefined : newConf.features);
      const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
      const changed = [...keys].filter(k => before[k] !== after[k]);
      if (changed.some(k => k !== 'nesting'))
        throw PveError.perm(
          'changing feature flags (except nesting) is only allowed for root@pam',
        );
      if (changed.includes('nesting'))
        requirePriv(ctx, req, vm, ['VM.Allocate']);
    } else if (key === 'hookscript') {
      throw PveError.perm(
        'changing the hookscript is only allowed for root@pam',
      );
    } else {
      // tags go through PVE::GuestHelpers::assert_tag_permissions: VM.Config.Options as well
      requirePriv(ctx, req, vm, ['VM.Config.Options']);
    }
  };
  for (const key of Object.keys(newConf)) one(key, false);
  for (const key of deleted) one(key, true);
}
