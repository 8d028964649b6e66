import { guestIpForVmid } from '../core/GuestHost';
import { createHash } from 'node:crypto';

/** A config value as PVE stores it: strings, or numbers (booleans are 0/1). */
export type PveValue = string | number;

/** A snapshot of a simulated CT. */
export interface SimSnapshot {
  name: string;
  description: string;
  snaptime: number;
  parent?: string;
  config: Record<string, PveValue>;
}

/** One firewall rule as PVE lists it (`pos` is derived from the position). */
export interface SimFirewallRule {
  type: string;
  action: string;
  enable?: number;
  proto?: string;
  dport?: string;
  sport?: string;
  source?: string;
  dest?: string;
  comment?: string;
  macro?: string;
  iface?: string;
  log?: string;
}

/** A simulated LXC container (or template) on the node. */
export interface SimContainer {
  vmid: number;
  /** The CT config (hostname, cores, memory, swap, rootfs, net0, features, unprivileged, tags, ...). */
  config: Record<string, PveValue>;
  status: 'running' | 'stopped';
  /** Config lock held while a task runs: create, disk, snapshot, snapshot-delete, rollback, destroyed. */
  lock?: string;
  /** UPID of a running power task (start/stop/shutdown), which holds the config file lock. */
  busyWith?: string;
  snapshots: SimSnapshot[];
  /** The snapshot the current state derives from (`parent` of the 'current' pseudo entry). */
  currentParent?: string;
  /** Resource pool the CT was added to. */
  pool?: string;
  firewall: { options: Record<string, PveValue>; rules: SimFirewallRule[] };
  /** Epoch ms of the last start; undefined when stopped. */
  startedAt?: number;
  /** Epoch ms when eth0 got its DHCP lease after the last start. */
  ipReadyAt?: number;
  /** Epoch ms of creation (rrd data before it is missing). */
  createdAt: number;
  /** True when cloned from the golden template (Docker and the Portainer agent preinstalled). */
  fromGoldenTemplate: boolean;
  /** Changes written while it ran that apply at its next start (`hotplug.ts`: what PVE cannot apply live). */
  pending?: Record<string, PveValue>;
  /** How many new DHCP leases the CT got (the `new-address` fault); its address derives from it. */
  lease?: number;
}

/** A storage of the node (`pvesm status`): what content it takes. */
export interface SimStorage {
  storage: string;
  /** Plugin type: `dir`, `lvmthin`, ... */
  type: string;
  /** Content types it accepts: `vztmpl`, `backup`, `iso`, `rootdir`, `images`. */
  content: string[];
  /** Capacity in bytes. */
  total: number;
}

/** A file volume on a storage: an OS template (`vztmpl`) or a backup archive (`backup`). */
export interface SimVolume {
  volid: string;
  content: 'vztmpl' | 'backup';
  /** `tzst`, `tar.zst`, `tar.gz`, ... as PVE reports it. */
  format: string;
  size: number;
  /** Creation time, epoch seconds. */
  ctime: number;
  vmid?: number;
  notes?: string;
  protected?: boolean;
  /** For backups: what restore brings back. */
  backup?: SimBackup;
}

/** The content of a CT backup archive. */
export interface SimBackup {
  config: Record<string, PveValue>;
  firewall: SimContainer['firewall'];
  fromGoldenTemplate: boolean;
  /** The guest's disk (`GuestHost.exportDisk`), when the simulator drives guests. */
  disk?: unknown;
}

/** A task (UPID) as the node's task list knows it. */
export interface SimTask {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
  status: 'running' | 'stopped';
  exitstatus?: string;
  endtime?: number;
  log: string[];
}

/** The simulator's inspectable state (served at `GET /_lab/state`). */
export interface ProxmoxSimState {
  node: string;
  containers: Map<number, SimContainer>;
  tasks: Map<string, SimTask>;
  storages: Map<string, SimStorage>;
  /** OS templates and backups by volid (CT disks are derived from the CTs' configs). */
  volumes: Map<string, SimVolume>;
  /** Second octet of the guests' loopback addresses (see `guestIpForVmid`). */
  guestIpBlock: number;
}

/** The config digest: SHA1 over the config file text, as PVE computes it. */
export function configDigest(config: Record<string, PveValue>): string {
  const text = Object.keys(config)
    .sort()
    .map(k => `${k}: ${config[k]}\n`)
    .join('');
  return createHash('sha1').update(text).digest('hex');
}

/** A MAC address in Proxmox's OUI (BC:24:11), derived from the vmid and a salt. */
export function macFor(vmid: number, salt = 0): string {
  const h = createHash('sha1').update(`${vmid}:${salt}`).digest();
  return ['BC', '24', '11', h[0], h[1], h[2]]
    .map(b =>
      (typeof b === 'number'
        ? b.toString(16).padStart(2, '0')
        : b
      ).toUpperCase(),
    )
    .join(':');
}

/** Size in bytes of a PVE size string such as `8G`, `512M`, `1.5T` (no suffix = bytes... PVE: GiB for rootfs `storage:N`). */
export function parseSize(size: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(size);
  if (!m) return undefined;
  const mult =
    { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[m[2]] ?? 1;
  return Math.round(Number(m[1]) * mult);
}

/** Formats bytes the way PVE writes `size=` in a volume string (`8G`, `8704M`). */
export function formatSize(bytes: number): string {
  for (const [suffix, mult] of [
    ['T', 1024 ** 4],
    ['G', 1024 ** 3],
    ['M', 1024 ** 2],
    ['K', 1024],
  ] as const) {
    if (bytes % mult === 0) return `${bytes / mult}${suffix}`;
  }
  return String(bytes);
}

/** The golden template CT the lab starts with: Debian 12 + Docker + Portainer agent, keyctl and nesting on. */
export function goldenTemplate(vmid: number, now: number): SimContainer {
  return {
    vmid,
    status: 'stopped',
    createdAt: now - 86_400_000,
    fromGoldenTemplate: true,
    snapshots: [],
    firewall: { options: {}, rules: [] },
    config: {
      arch: 'amd64',
      cores: 2,
      description:
        'Golden template: Debian 12, Docker CE, Portainer agent (docker-env)\n',
      features: 'keyctl=1,nesting=1',
      hostname: 'docker-golden',
      memory: 2048,
      net0: `name=eth0,bridge=vmbr0,firewall=1,hwaddr=${macFor(
        vmid,
      )},ip=dhcp,type=veth`,
      ostype: 'debian',
      rootfs: `local-lvm:base-${vmid}-disk-0,size=8G`,
      swap: 512,
      tags: 'docker-env;golden',
      template: 1,
      unprivileged: 1,
    },
  };
}

/**
 * The node's storages: `local` (dir) and `local-lvm` (LVM-thin) as a fresh PVE 9 install has them
 * (`local` takes no backups there), plus `backup`, a directory storage for vzdump archives.
 */
export function defaultStorages(): Map<string, SimStorage> {
  return new Map([
    [
      'local',
      {
        storage: 'local',
        type: 'dir',
        content: ['import', 'iso', 'vztmpl'],
        total: 100 * 1024 ** 3,
      },
    ],
    [
      'backup',
      {
        storage: 'backup',
        type: 'dir',
        content: ['backup'],
        total: 2 * 1024 ** 4,
      },
    ],
    [
      'local-lvm',
      {
        storage: 'local-lvm',
        type: 'lvmthin',
        content: ['images', 'rootdir'],
        total: 800 * 1024 ** 3,
      },
    ],
  ]);
}

/** The OS templates downloaded on the node (`pveam download local ...`). */
export function defaultOsTemplates(nowSec: number): SimVolume[] {
  return [
    ['local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', 126_624_174],
    ['local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst', 141_765_613],
  ].map(([volid, size]) => ({
    volid: String(volid),
    content: 'vztmpl',
    format: 'tzst',
    size: Number(size),
    ctime: nowSec - 30 * 86_400,
  }));
}

/** The CT's eth0 address (its current DHCP lease). */
export function ctAddress(ct: SimContainer, guestIpBlock: number): string {
  return guestIpForVmid(ct.vmid, guestIpBlock, ct.lease ?? 0);
}

/** A `netN` value with a (new) MAC address derived from the vmid and salt. */
export function withMac(net: string, vmid: number, salt: number): string {
  const parts = net.split(',').filter(p => !p.startsWith('hwaddr='));
  parts.splice(Math.min(2, parts.length), 0, `hwaddr=${macFor(vmid, salt)}`);
  return parts.join(',');
}
