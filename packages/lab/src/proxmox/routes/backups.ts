import type { SimRoute } from '../context';
import { P } from '../params';
import { PveError } from '../pveHttp';
import {
  STORAGE_ID,
  storageOf,
  volumePath,
  diskVolumes,
  volumeEntry,
  findVolume,
} from './storageVolumes';
import { vzdump } from './vzdump';
import { checkVolumeAccess, hasPriv, requirePriv } from '../access/guestChecks';
import type { SimContext, SimRequest } from '../context';

/** check_volume_access without raising: the content list shows only what the caller may read. */
function readable(ctx: SimContext, req: SimRequest, volid: string): boolean {
  try {
    checkVolumeAccess(ctx, req, volid);
    return true;
  } catch (e) {
    if (e instanceof PveError) return false;
    throw e;
  }
}

/** Backup and storage routes: vzdump, storage content list, volume info and delete. */
export const backupRoutes: SimRoute[] = [
  {
    method: 'POST',
    template: '/nodes/{node}/vzdump',
    operation: 'proxmox.vzdump',
    task: true,
    params: {
      node: P.node,
      vmid: { type: 'string', optional: true, pattern: /^\d+([,; ]+\d+)*$/ },
      all: P.bool,
      storage: { ...STORAGE_ID, optional: true },
      mode: {
        type: 'string',
        optional: true,
        enum: ['snapshot', 'suspend', 'stop'],
      },
      compress: {
        type: 'string',
        optional: true,
        enum: ['0', '1', 'gzip', 'lzo', 'zstd'],
      },
      remove: P.bool,
      protected: P.bool,
      'notes-template': { type: 'string', optional: true, maxLength: 1024 },
      'prune-backups': P.optString,
      mailnotification: {
        type: 'string',
        optional: true,
        enum: ['always', 'failure'],
      },
      'notification-mode': {
        type: 'string',
        optional: true,
        enum: ['auto', 'legacy-sendmail', 'notification-system'],
      },
      quiet: P.bool,
      stdexcludes: P.bool,
      stop: P.bool,
      stdout: P.bool,
      pool: P.optString,
      bwlimit: { type: 'integer', optional: true, min: 0 },
      zstd: { type: 'integer', optional: true },
      ionice: { type: 'integer', optional: true, min: 0, max: 8 },
      lockwait: { type: 'integer', optional: true, min: 0 },
      stopwait: { type: 'integer', optional: true, min: 0 },
      'job-id': { type: 'string', optional: true, pattern: /^\S+$/ },
    },
    handle: vzdump,
  },
  {
    method: 'GET',
    template: '/nodes/{node}/storage/{storage}/content',
    operation: 'proxmox.storage.content',
    params: {
      node: P.node,
      storage: STORAGE_ID,
      content: {
        type: 'string',
        optional: true,
        enum: [
          'backup',
          'images',
          'import',
          'iso',
          'rootdir',
          'snippets',
          'vztmpl',
        ],
      },
      vmid: { ...P.vmid, optional: true },
    },
    handle: (ctx, req) => {
      const storage = storageOf(ctx, String(req.params.storage));
      const entries = [
        ...[...ctx.state.volumes.values()]
          .filter(v => v.volid.startsWith(`${storage.storage}:`))
          .map(volumeEntry),
        ...diskVolumes(ctx, storage.storage),
      ];
      return entries
        .filter(
          e =>
            req.params.content === undefined ||
            e.content === req.params.content,
        )
        .filter(
          e =>
            req.params.vmid === undefined || e.vmid === Number(req.params.vmid),
        )
        .filter(e => readable(ctx, req, String(e.volid)))
        .sort((a, b) => String(a.volid).localeCompare(String(b.volid)));
    },
  },
  {
    method: 'GET',
    template: '/nodes/{node}/storage/{storage}/content/{volume}',
    operation: 'proxmox.storage.volume.get',
    params: {
      node: P.node,
      storage: { ...STORAGE_ID, optional: true },
      volume: { type: 'string' },
    },
    handle: (ctx, req) => {
      const volume = findVolume(ctx, req);
      // "You need read access for the volume."
      checkVolumeAccess(ctx, req, volume.volid);
      const info: Record<string, unknown> = {
        path: volumePath(volume),
        size: volume.size,
        used: volume.size,
        format: volume.format,
      };
      if (volume.notes !== undefined) info.notes = volume.notes;
      if (volume.content === 'backup')
        info.protected = volume.protected ? 1 : 0;
      return info;
    },
  },
  {
    method: 'DELETE',
    template: '/nodes/{node}/storage/{storage}/content/{volume}',
    operation: 'proxmox.storage.volume.delete',
    task: true,
    params: {
      node: P.node,
      storage: { ...STORAGE_ID, optional: true },
      volume: { type: 'string' },
      delay: { type: 'integer', optional: true, min: 1, max: 30 },
    },
    handle: (ctx, req) => {
      const volume = findVolume(ctx, req);
      // "You need 'Datastore.Allocate' privilege on the storage (or 'Datastore.AllocateSpace' for
      // backup volumes if you have VM.Backup privilege on the VM)."
      const storage = volume.volid.split(':')[0];
      const owner = volume.backup
        ? /vzdump-lxc-(\d+)-/.exec(volume.volid)?.[1]
        : undefined;
      if (
        !(
          owner !== undefined &&
          hasPriv(ctx, req, `/vms/${owner}`, ['VM.Backup'])
        )
      )
        requirePriv(ctx, req, `/storage/${storage}`, ['Datastore.Allocate']);
      else
        requirePriv(ctx, req, `/storage/${storage}`, [
          'Datastore.AllocateSpace',
        ]);
      if (volume.protected)
        throw PveError.die(
          `unable to remove protected backup '${volume.volid}'`,
        );
      return ctx.startTask({
        type: 'imgdel',
        // PVE forks the worker with no id (`fork_worker('imgdel', undef, ...)`): a volid's colon would break the UPID
        id: '',
        req,
        operation: 'proxmox.storage.volume.delete',
        work: task => {
          task.log.push(`Removed volume '${volume.volid}'`);
          ctx.state.volumes.delete(volume.volid);
        },
      });
    },
  },
];
