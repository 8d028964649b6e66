// Storages and their volumes as the backup routes see them: paths, listing entries, lookup.
import { type SimContext, type SimRequest } from '../context';
import { type ParamSpec } from '../params';
import { PveError } from '../pveHttp';
import { type SimStorage, type SimVolume } from '../state';

export const STORAGE_ID: ParamSpec = {
  type: 'string',
  format: v =>
    /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(v)
      ? undefined
      : `storage ID '${v}' contains illegal characters`,
};

export const COMPRESSED: Record<string, string> = {
  '0': 'tar',
  '1': 'tar.lzo',
  gzip: 'tar.gz',
  lzo: 'tar.lzo',
  zstd: 'tar.zst',
};

export function storageOf(ctx: SimContext, id: string): SimStorage {
  const storage = ctx.state.storages.get(id);
  if (!storage) throw PveError.die(`storage '${id}' does not exist`);
  return storage;
}

/** The storage's directory on the node, as `pvesm path` shows it. */
export function storagePath(storage: SimStorage): string {
  return storage.storage === 'local'
    ? '/var/lib/vz'
    : `/mnt/pve/${storage.storage}`;
}

export function volumePath(volume: SimVolume): string {
  const [storeid, name] = volume.volid.split(':');
  const dir = volume.content === 'backup' ? 'dump' : 'template/cache';
  return `${storagePath({
    storage: storeid,
  } as SimStorage)}/${dir}/${name.replace(/^[a-z]+\//, '')}`;
}

/** `YYYY_MM_DD-HH_MM_SS` in the node's time zone (UTC in the lab). */
export function vzdumpStamp(ms: number): string {
  const d = new Date(ms).toISOString();
  return `${d.slice(0, 10).replace(/-/g, '_')}-${d
    .slice(11, 19)
    .replace(/:/g, '_')}`;
}

/** The CT disks on LVM-thin, derived from the CTs' rootfs (content `rootdir`). */
export function diskVolumes(ctx: SimContext, storage: string) {
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

export function volumeEntry(volume: SimVolume): Record<string, unknown> {
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
export function findVolume(ctx: SimContext, req: SimRequest): SimVolume {
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
