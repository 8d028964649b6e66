import {
  checkLock,
  type SimContext,
  type SimRequest,
  type SimRoute,
} from '../context';
import { bootGuest, haltGuest } from '../guestPower';
import { P, type ParamSpec } from '../params';
import { PveError } from '../pveHttp';
import {
  type SimContainer,
  type SimStorage,
  type SimVolume,
  withMac,
} from '../state';

const STORAGE_ID: ParamSpec = {
  type: 'string',
  format: v =>
    /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(v)
      ? undefined
      : `storage ID '${v}' contains illegal characters`,
};

const COMPRESSED: Record<string, string> = {
  '0': 'tar',
  '1': 'tar.lzo',
  gzip: 'tar.gz',
  lzo: 'tar.lzo',
  zstd: 'tar.zst',
};

function storageOf(ctx: SimContext, id: string): SimStorage {
  const storage = ctx.state.storages.get(id);
  if (!storage) throw PveError.die(`storage '${id}' does not exist`);
  return storage;
}

/** The storage's directory on the node, as `pvesm path` shows it. */
function storagePath(storage: SimStorage): string {
  return storage.storage === 'local'
    ? '/var/lib/vz'
    : `/mnt/pve/${storage.storage}`;
}

function volumePath(volume: SimVolume): string {
  const [storeid, name] = volume.volid.split(':');
  const dir = volume.content === 'backup' ? 'dump' : 'template/cache';
  return `${storagePath({
    storage: storeid,
  } as SimStorage)}/${dir}/${name.replace(/^[a-z]+\//, '')}`;
}

/** `YYYY_MM_DD-HH_MM_SS` in the node's time zone (UTC in the lab). */
function vzdumpStamp(ms: number): string {
  const d = new Date(ms).toISOString();
  return `${d.slice(0, 10).replace(/-/g, '_')}-${d
    .slice(11, 19)
    .replace(/:/g, '_')}`;
}

/** The CT disks on LVM-thin, derived from the CTs' rootfs (content `rootdir`). */
function diskVolumes(ctx: SimContext, storage: string) {
  const out: Array<Record<string, unknown>> = [];
  for (const ct of ctx.state.containers.values()) {
    const rootfs = String(ct.config.rootfs ?? '');
    const volid = rootfs.split(',')[0];
    if (!volid.startsWith(`${storage}:`)) continue;
    const size = /size=(\d+)([KMGT]?)/.exec(rootfs);
    const bytes = size
      ? Number(size[1]) *
        ({ '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[
          size[2]
        ] ?? 1)
      : 0;
    out.push({
      volid,
      content: 'rootdir',
      format: 'raw',
      size: bytes,
      used: Math.floor(bytes / 5),
      vmid: ct.vmid,
      ctime: Math.floor(ct.createdAt / 1000),
    });
  }
  return out;
}

function volumeEntry(volume: SimVolume): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    volid: volume.volid,
    content: volume.content,
    format: volume.format,
    size: volume.size,
    ctime: volume.ctime,
  };
  if (volume.content === 'backup') {
    entry.subtype = 'lxc';
    entry.vmid = volume.vmid;
    if (volume.notes !== undefined) entry.notes = volume.notes.split('\n')[0];
    if (volume.protected) entry.protected = 1;
  }
  return entry;
}

/** The volume named by `{volume}`: a full volid, or a volume name on `storage`. */
function findVolume(ctx: SimContext, req: SimRequest): SimVolume {
  const raw = String(req.params.volume);
  const volid =
    raw.includes(':') || req.params.storage === undefined
      ? raw
      : `${req.params.storage}:${raw}`;
  if (!/^[a-z][a-z0-9\-_.]*[a-z0-9]:.+$/i.test(volid))
    throw PveError.die(`unable to parse volume ID '${raw}'`);
  storageOf(ctx, volid.split(':')[0]);
  const volume = ctx.state.volumes.get(volid);
  if (!volume) throw PveError.die(`volume '${volid}' does not exist`);
  return volume;
}

/** `POST /nodes/{node}/vzdump`: one task backs up every listed CT into the storage. */
function vzdump(ctx: SimContext, req: SimRequest): string {
  const p = req.params;
  if (p.all && p.vmid !== undefined)
    throw PveError.params({ all: "option conflicts with option 'vmid'" });
  if (!p.all && p.vmid === undefined && p.pool === undefined && !p.stdout)
    throw PveError.params({
      vmid: 'property is missing and it is not optional',
    });
  const storageId = String(p.storage ?? 'local');
  const storage = storageOf(ctx, storageId);
  const vmids = p.all
    ? [...ctx.state.containers.keys()].sort((a, b) => a - b)
    : String(p.vmid ?? '')
        .split(/[,; ]+/)
        .filter(Boolean)
        .map(Number);
  const mode = String(p.mode ?? 'snapshot');
  const format = COMPRESSED[String(p.compress ?? '0')] ?? 'tar';
  const notesTemplate =
    p['notes-template'] !== undefined ? String(p['notes-template']) : undefined;
  return ctx.startTask({
    type: 'vzdump',
    id: vmids.length === 1 ? String(vmids[0]) : '',
    req,
    operation: 'proxmox.vzdump',
    work: async task => {
      // PVE::VZDump::storage_info dies before any guest is touched
      if (!storage.content.includes('backup'))
        throw new Error(
          `could not get storage information for '${storageId}': can't use storage '${storageId}' for backups - wrong content type`,
        );
      const failed: number[] = [];
      for (const vmid of vmids) {
        const ct = ctx.state.containers.get(vmid);
        task.log.push(`INFO: Starting Backup of VM ${vmid} (lxc)`);
        if (!ct) {
          task.log.push(
            `ERROR: Backup of VM ${vmid} failed - unable to find VM '${vmid}'`,
          );
          failed.push(vmid);
          continue;
        }
        if (ct.lock) {
          task.log.push(
            `ERROR: Backup of VM ${vmid} failed - CT is locked (${ct.lock})`,
          );
          failed.push(vmid);
          continue;
        }
        await backupOne(
          ctx,
          ct,
          {
            storage,
            mode,
            format,
            notesTemplate,
            protect: Boolean(p.protected),
          },
          task.log,
        );
      }
      if (failed.length) throw new Error(`job errors`);
    },
  });
}

async function backupOne(
  ctx: SimContext,
  ct: SimContainer,
  options: {
    storage: SimStorage;
    mode: string;
    format: string;
    notesTemplate?: string;
    protect: boolean;
  },
  log: string[],
): Promise<void> {
  const wasRunning = ct.status === 'running';
  ct.lock = 'backup';
  try {
    if (options.mode === 'stop' && wasRunning) {
      log.push('INFO: stopping virtual guest');
      await haltGuest(ctx, ct);
    }
    const now = ctx.now();
    const name = `vzdump-lxc-${ct.vmid}-${vzdumpStamp(now)}.${options.format}`;
    const volid = `${options.storage.storage}:backup/${name}`;
    const hostname = String(ct.config.hostname ?? `CT${ct.vmid}`);
    const sizeGiB = Number(
      /size=(\d+)G/.exec(String(ct.config.rootfs))?.[1] ?? 8,
    );
    ctx.state.volumes.set(volid, {
      volid,
      content: 'backup',
      format: options.format,
      size: Math.floor(sizeGiB * 0.18 * 1024 ** 3),
      ctime: Math.floor(now / 1000),
      vmid: ct.vmid,
      notes: options.notesTemplate
        ?.replace(/\{\{guestname\}\}/g, hostname)
        .replace(/\{\{vmid\}\}/g, String(ct.vmid))
        .replace(/\{\{node\}\}/g, ctx.state.node)
        .replace(/\{\{cluster\}\}/g, ctx.state.node),
      protected: options.protect || undefined,
      backup: {
        config: { ...ct.config },
        firewall: JSON.parse(JSON.stringify(ct.firewall)),
        fromGoldenTemplate: ct.fromGoldenTemplate,
        disk: ctx.guests?.exportDisk?.(ct.vmid),
      },
    });
    log.push(
      `INFO: creating vzdump archive '${volumePath(
        ctx.state.volumes.get(volid)!,
      )}'`,
    );
    if (options.mode === 'stop' && wasRunning) {
      log.push('INFO: restarting vm');
      ct.lock = undefined;
      await bootGuest(ctx, ct);
    }
    log.push(`INFO: Finished Backup of VM ${ct.vmid}`);
  } finally {
    ct.lock = undefined;
  }
}

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
      if (volume.protected)
        throw PveError.die(
          `unable to remove protected backup '${volume.volid}'`,
        );
      return ctx.startTask({
        type: 'imgdel',
        id: volume.volid,
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
