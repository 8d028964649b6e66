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
}

/** The default second octet of the guests' loopback addresses (127.10.x.y). */
export const DEFAULT_GUEST_IP_BLOCK = 10;

/**
 * The loopback address of a simulated container: `127.<block>.x.y` derived from its vmid.
 * Each lab uses its own block so that several labs (parallel test files, the portal) never
 * bind the same guest address.
 */
export function guestIpForVmid(
  vmid: number,
  block = DEFAULT_GUEST_IP_BLOCK,
): string {
  return `127.${block}.${Math.floor(vmid / 250) % 250}.${(vmid % 250) + 1}`;
}
