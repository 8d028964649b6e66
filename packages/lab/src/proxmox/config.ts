import type { GuestDisk, GuestHost } from '../core/GuestHost';
import type { SimContainer, SimStorage, SimTask, SimVolume } from './state';

/** An API token the simulator accepts. */
export interface ProxmoxSimToken {
  /** `USER@REALM!TOKENID`, e.g. `docker-env@pve!portal`. */
  id: string;
  /** The token secret (a UUID on real PVE). */
  secret: string;
}

/** Options of {@link ProxmoxSimulator.start}. */
export interface ProxmoxSimulatorOptions {
  /** Multiplier for every latency; 0 makes the lab instant. Default 1. */
  latencyScale?: number;
  /** Boots/stops/destroys each CT's guest; without it the simulator only tracks state. */
  guests?: GuestHost;
  /** Node name. Default `pve`. */
  node?: string;
  /** Accepted API tokens. Default: {@link DEFAULT_PROXMOX_SIM_TOKEN}. */
  tokens?: ProxmoxSimToken[];
  /** vmid of the golden template CT seeded at start. Default 9000. */
  goldenTemplateVmid?: number;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Serve HTTPS with this key and certificate (the lab's TLS mode); default plain HTTP. */
  tls?: { key: string; cert: string };
  /** Second octet of the guests' loopback addresses; default {@link DEFAULT_GUEST_IP_BLOCK} (127.10.x.y). */
  guestIpBlock?: number;
}

/** The token the simulator accepts when none are configured. */
export const DEFAULT_PROXMOX_SIM_TOKEN: ProxmoxSimToken = {
  id: 'docker-env@pve!portal',
  secret: '5f3c2a10-8d4e-4b6f-9a7c-1e2d3f4a5b6c',
};

/**
 * Default latencies (ms) of the simulated operations, modelled on a PVE 9 node with LVM-thin.
 * Task operations answer their UPID at once; the latency is how long the task runs.
 */
export const PROXMOX_SIM_LATENCIES: Record<string, number> = {
  'proxmox.auth.fail': 3000,
  'proxmox.cluster.nextid': 20,
  'proxmox.lxc.list': 40,
  'proxmox.lxc.create': 12000,
  'proxmox.lxc.clone': 3000,
  'proxmox.lxc.start': 2000,
  'proxmox.lxc.dhcp': 1500,
  'proxmox.lxc.shutdown': 3000,
  'proxmox.lxc.stop': 1000,
  'proxmox.lxc.destroy': 2000,
  'proxmox.lxc.resize': 1500,
  'proxmox.lxc.status': 15,
  'proxmox.lxc.interfaces': 30,
  'proxmox.lxc.rrddata': 30,
  'proxmox.lxc.config.get': 15,
  'proxmox.lxc.config.update': 60,
  'proxmox.lxc.snapshot.list': 20,
  'proxmox.lxc.snapshot.create': 1000,
  'proxmox.lxc.snapshot.delete': 1000,
  'proxmox.lxc.snapshot.rollback': 2000,
  'proxmox.lxc.firewall.options.get': 15,
  'proxmox.lxc.firewall.options.set': 40,
  'proxmox.lxc.firewall.rules.list': 15,
  'proxmox.lxc.firewall.rules.create': 40,
  'proxmox.lxc.firewall.rules.delete': 40,
  'proxmox.tasks.status': 10,
  'proxmox.tasks.log': 10,
  'proxmox.tasks.list': 20,
  'proxmox.version': 5,
  'proxmox.nodes': 10,
  'proxmox.cluster.resources': 30,
  'proxmox.vzdump': 8000,
  'proxmox.lxc.restore': 10000,
  'proxmox.storage.content': 40,
  'proxmox.storage.volume.get': 20,
  'proxmox.storage.volume.delete': 300,
  'proxmox.access.read': 10,
  'proxmox.access.write': 30,
  'proxmox.cluster.firewall.options.get': 15,
  'proxmox.cluster.firewall.options.set': 40,
};

/** {@link ProxmoxSimulator.exportState}'s JSON. */
export interface ProxmoxSavedState {
  containers: Array<SimContainer & { disk?: GuestDisk }>;
  storages: SimStorage[];
  volumes: SimVolume[];
  guestIpBlock: number;
  /** The node's task list (older files lack it). */
  tasks?: SimTask[];
}

/** One request as the simulator received it (for tests and contract checks). */
export interface ProxmoxSimRequestRecord {
  method: string;
  /** Path below `/api2/json`, still percent-encoded. */
  path: string;
  /** Query string parameters. */
  query: Record<string, string>;
  /** Body parameters (form-urlencoded or JSON). */
  body: Record<string, string>;
  contentType?: string;
  authorized: boolean;
}
