/** What the Proxmox simulator knows of a container's guest when it starts it. */
export interface GuestSpec {
  vmid: number;
  hostname: string;
  /** Loopback address the guest's services listen on, e.g. `127.10.0.101`. */
  ip: string;
  /** True when the CT was cloned from the golden template (Docker and the agent preinstalled). */
  dockerPreinstalled: boolean;
}

/**
 * The simulated inside of each LXC container: a Portainer agent on `ip:9001` and a Docker
 * engine. The Proxmox simulator drives it as containers start, stop and are destroyed.
 */
export interface GuestHost {
  /** Boots the guest's services (idempotent). Containers with a restart policy come back. */
  start(spec: GuestSpec): Promise<void>;
  /** Shuts the guest down: its services stop listening and its Docker containers stop. */
  stop(vmid: number): Promise<void>;
  /** Forgets the guest and everything in it. */
  destroy(vmid: number): Promise<void>;
  /**
   * What the guest's containers used over `[fromMs, toMs)`, averaged: busy cores and memory held (the CT's rrd
   * data and status add it to the guest's own baseline).
   */
  load?(vmid: number, fromMs: number, toMs: number): GuestLoad;
  /**
   * The guest's disk (its Docker engine: images and containers) as JSON, for a backup or the
   * lab's state file; undefined when the guest was never booted.
   */
  exportDisk?(vmid: number): GuestDisk | undefined;
  /**
   * Puts a disk written by {@link GuestHost.exportDisk} into a stopped guest (a restore, or the lab
   * coming back from its state file with `resumeRunning`: containers that ran start again).
   */
  importDisk?(
    vmid: number,
    disk: GuestDisk,
    options?: { resumeRunning?: boolean },
  ): void;
}

/** What a guest's containers used over a span of time, averaged. */
export interface GuestLoad {
  /** Average busy cores (1 = one core fully busy). */
  cores: number;
  /** Average memory held, bytes. */
  memBytes: number;
}

/** A guest's disk contents as {@link GuestHost.exportDisk} writes them (plain JSON). */
export interface GuestDisk {
  /** Whether Docker and the agent are installed. */
  dockerPreinstalled: boolean;
  hostname?: string;
  /** The engine's images and containers (see `DockerEngine.exportState`). */
  docker?: unknown;
}

/** The default second octet of the guests' loopback addresses (127.10.x.y). */
export const DEFAULT_GUEST_IP_BLOCK = 10;

/**
 * The loopback address of a simulated container: `127.<block>.x.y` derived from its vmid.
 * Each lab uses its own block so that several labs (parallel test files, the portal) never
 * bind the same guest address. `lease` counts the new addresses DHCP handed the CT (a fault).
 */
export function guestIpForVmid(
  vmid: number,
  block = DEFAULT_GUEST_IP_BLOCK,
  lease = 0,
): string {
  // a new DHCP lease (lease > 0) moves the third octet, so the old address stops answering
  const third = (Math.floor(vmid / 250) + 50 * lease) % 250;
  return `127.${block}.${third}.${(vmid % 250) + 1}`;
}
