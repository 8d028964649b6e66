/**
 * A PVE task's status (`GET /nodes/{node}/tasks/{upid}/status`).
 *
 * @public
 */
export interface PveTaskStatus {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
  status: 'running' | 'stopped';
  /** `OK`, `WARNINGS: n` or an error message; only once stopped. */
  exitstatus?: string;
  starttime: number;
  pid: number;
  pstart: number;
}

/**
 * A CT as listed cluster-wide by `GET /cluster/resources?type=vm`.
 *
 * @public
 */
export interface LxcListEntry {
  vmid: number;
  /** The node the CT lives on. */
  node: string;
  name?: string;
  status: 'running' | 'stopped';
  tags: string[];
  template: boolean;
  lock?: string;
}

/**
 * `GET CT/status/current`, typed. Byte counters are cumulative since start.
 *
 * @public
 */
export interface LxcStatus {
  vmid: number;
  name?: string;
  status: 'running' | 'stopped';
  /** CPU usage as a fraction of `cpus`. */
  cpu: number;
  cpus: number;
  mem: number;
  maxmem: number;
  swap?: number;
  maxswap?: number;
  disk: number;
  maxdisk: number;
  netin: number;
  netout: number;
  diskread: number;
  diskwrite: number;
  uptime: number;
  lock?: string;
  tags: string[];
  template: boolean;
}

/**
 * One address of an interface (`ip-addresses[]`).
 *
 * @public
 */
export interface LxcIpAddress {
  address: string;
  type: 'inet' | 'inet6' | string;
  prefix?: number;
}

/**
 * An interface of a running CT (`GET CT/interfaces`).
 *
 * @public
 */
export interface LxcInterface {
  name: string;
  hwaddr: string;
  addresses: LxcIpAddress[];
}

/**
 * A CT config (`GET CT/config`); unknown keys are kept as PVE sent them.
 *
 * @public
 */
export interface LxcConfig {
  digest: string;
  hostname?: string;
  cores?: number;
  memory?: number;
  swap?: number;
  cpulimit?: number;
  rootfs?: string;
  net0?: string;
  features?: string;
  tags: string[];
  description?: string;
  template: boolean;
  unprivileged: boolean;
  lock?: string;
  raw: Record<string, unknown>;
}

/**
 * One rrd point; a metric PVE does not know for that time is absent (not null).
 *
 * @public
 */
export interface RrdPoint {
  time: number;
  cpu?: number;
  maxcpu?: number;
  mem?: number;
  maxmem?: number;
  disk?: number;
  maxdisk?: number;
  /** Bytes per second. */
  netin?: number;
  netout?: number;
  diskread?: number;
  diskwrite?: number;
}

/**
 * A snapshot (the `current` pseudo entry is dropped).
 *
 * @public
 */
export interface LxcSnapshot {
  name: string;
  description: string;
  snaptime?: number;
  parent?: string;
}

/**
 * Firewall options of a CT.
 *
 * @public
 */
export interface LxcFirewallOptions {
  enable?: boolean;
  policy_in?: 'ACCEPT' | 'REJECT' | 'DROP';
  policy_out?: 'ACCEPT' | 'REJECT' | 'DROP';
  digest?: string;
}

/**
 * A firewall rule of a CT.
 *
 * @public
 */
export interface LxcFirewallRule {
  pos?: number;
  type: 'in' | 'out';
  action: 'ACCEPT' | 'REJECT' | 'DROP';
  enable?: boolean;
  proto?: 'tcp' | 'udp' | 'icmp' | 'icmpv6';
  dport?: string;
  source?: string;
  dest?: string;
  comment?: string;
}

/**
 * Backoff for polling.
 *
 * @public
 */
export interface PollBackoff {
  initialMs: number;
  maxMs: number;
  factor: number;
}

/**
 * One backup archive in a PVE storage (`GET /nodes/{node}/storage/{storage}/content?content=backup`).
 *
 * @public
 */
export interface PveBackup {
  volid: string;
  vmid: number;
  /** Creation time, seconds since the epoch. */
  ctime: number;
  size?: number;
  notes?: string;
}
