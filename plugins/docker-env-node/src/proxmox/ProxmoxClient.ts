import { UpstreamApiError } from '../errors';
import type {
  LxcConfig,
  LxcFirewallOptions,
  LxcFirewallRule,
  LxcInterface,
  LxcListEntry,
  LxcSnapshot,
  LxcStatus,
  PollBackoff,
  PveBackup,
  PveTaskStatus,
  RrdPoint,
} from './types';

/**
 * Options of {@link ProxmoxClient.cloneFromTemplate}. The clone lands on the client's node.
 *
 * @public
 */
export interface CloneFromTemplateOptions {
  templateVmid: number;
  hostname: string;
  /** The environment the CT belongs to: its mark (description line, then tags) names it. */
  environmentId: string;
  /** Fixed id; default: `nextId()` with retries when another create takes it first. */
  newid?: number;
  pool?: string;
  /** Free text; the ownership mark line is appended. */
  description?: string;
}

/** Options of {@link ProxmoxClient.restoreFromBackup}. */
export interface RestoreFromBackupOptions {
  /** The backup archive, `<storage>:backup/<file>`. */
  volid: string;
  hostname: string;
  environmentId: string;
  description?: string;
  /** Where the root disk goes (default: where it was). */
  storage?: string;
}

/**
 * Options of {@link ProxmoxClient.createFromOsTemplate}.
 *
 * @public
 */
export interface CreateFromOsTemplateOptions {
  vmid?: number;
  ostemplate: string;
  hostname: string;
  /** The environment the CT belongs to (tags `docker-env`, `docker-env-<id>` and a description line). */
  environmentId: string;
  cores: number;
  /** MiB. */
  memoryMiB: number;
  /** MiB. */
  swapMiB: number;
  storage: string;
  diskGiB: number;
  bridge?: string;
  sshPublicKeys?: string[];
  /** Extra tags; the ownership tags are always added. */
  tags?: string[];
  /** Free text; the ownership mark line is appended. */
  description?: string;
  pool?: string;
  /**
   * `features` to set: `nesting=1` by default. Anything beyond nesting (keyctl) needs a root@pam
   * ticket; an API token gets 403 from PVE.
   */
  features?: string;
}

/**
 * A started (or found) CT creation.
 *
 * @public
 */
export interface CreateResult {
  vmid: number;
  /** The node the CT lives on (address every later call there: {@link ProxmoxClient.forNode}). */
  node: string;
  /** The task to wait for; undefined when our CT with that hostname was found. */
  upid?: string;
  /** True when our CT with the hostname already existed (a retried call): nothing was created. */
  existing: boolean;
}

/**
 * Options for waiting on tasks.
 *
 * @public
 */
export interface WaitForTaskOptions {
  timeoutMs?: number;
  backoff?: Partial<PollBackoff>;
  /** Stops waiting (rejects) when aborted. */
  signal?: AbortSignal;
}

/**
 * Changes {@link ProxmoxClient.updateConfig} applies.
 *
 * @public
 */
export interface LxcConfigChanges {
  cores?: number;
  memoryMiB?: number;
  swapMiB?: number;
  cpulimit?: number;
  tags?: string[];
  description?: string;
  /** The first network interface's property string (`name=eth0,bridge=vmbr0,...,firewall=1`). */
  net0?: string;
}

/**
 * The Proxmox VE operations the platform uses for LXC environments.
 *
 * @public
 */
export interface ProxmoxClient {
  /** The node this client addresses CTs on. */
  readonly node: string;
  /** The same client addressing CTs on another node of the cluster. */
  forNode(node: string): ProxmoxClient;
  nextId(): Promise<number>;
  /** Every CT of the cluster (`/cluster/resources?type=vm`), each with its node. */
  listContainers(): Promise<LxcListEntry[]>;
  /** Finds a CT (not a template) anywhere in the cluster by hostname and/or tag. */
  findContainer(match: {
    hostname?: string;
    tag?: string;
  }): Promise<LxcListEntry | undefined>;
  /** True when the CT carries the environment's mark (its tag, or the description line a clone gets first). */
  isOurs(ct: LxcListEntry, environmentId: string): Promise<boolean>;
  /**
   * Clones the golden template, or returns our CT with that hostname; a same-named CT that is not
   * ours is refused with an {@link OwnershipConflictError}.
   */
  cloneFromTemplate(options: CloneFromTemplateOptions): Promise<CreateResult>;
  /** Creates from an OS template, or returns our CT with that hostname (same refusal as clone). */
  createFromOsTemplate(
    options: CreateFromOsTemplateOptions,
  ): Promise<CreateResult>;
  /** Restores a backup archive into a new CT (fresh id, new MACs) named and marked like a create; idempotent like it. */
  restoreFromBackup(options: RestoreFromBackupOptions): Promise<CreateResult>;
  waitForTask(
    upid: string,
    options?: WaitForTaskOptions,
  ): Promise<PveTaskStatus>;
  getConfig(vmid: number): Promise<LxcConfig>;
  updateConfig(
    vmid: number,
    changes: LxcConfigChanges,
    options?: { digest?: string },
  ): Promise<void>;
  resizeDisk(vmid: number, addGiB: number): Promise<string>;
  start(vmid: number): Promise<string>;
  shutdown(
    vmid: number,
    options?: { timeoutSeconds?: number; forceStop?: boolean },
  ): Promise<string>;
  stop(vmid: number): Promise<string>;
  getStatus(vmid: number): Promise<LxcStatus>;
  getInterfaces(vmid: number): Promise<LxcInterface[] | null>;
  waitForIp(
    vmid: number,
    options?: {
      timeoutMs?: number;
      intervalMs?: number;
      iface?: string;
      signal?: AbortSignal;
    },
  ): Promise<string>;
  getRrdData(
    vmid: number,
    options?: {
      timeframe?: 'hour' | 'day' | 'week' | 'month' | 'year';
      cf?: 'AVERAGE' | 'MAX';
    },
  ): Promise<RrdPoint[]>;
  listSnapshots(vmid: number): Promise<LxcSnapshot[]>;
  createSnapshot(
    vmid: number,
    name: string,
    description?: string,
  ): Promise<string>;
  deleteSnapshot(
    vmid: number,
    name: string,
    options?: { force?: boolean },
  ): Promise<string>;
  rollbackSnapshot(
    vmid: number,
    name: string,
    options?: { start?: boolean },
  ): Promise<string>;
  destroy(vmid: number, options?: { force?: boolean }): Promise<string>;
  /** Starts a backup of one CT into `storage` (`POST /nodes/{node}/vzdump`); answers the task's UPID. */
  vzdump(
    vmid: number,
    options: { storage: string; mode: 'snapshot' | 'stop'; notes?: string },
  ): Promise<string>;
  /** The UPIDs of the node's active (running or just ended) tasks of `type` (`vzdump`, ...) for CT `vmid`. */
  activeTasks(vmid: number, type: string): Promise<string[]>;
  /** The backups of one CT in `storage`, newest first. */
  listBackups(storage: string, vmid: number): Promise<PveBackup[]>;
  /** Deletes a backup archive (a task: answers its UPID), or answers undefined when the volume does not exist. */
  deleteBackup(volid: string): Promise<string | undefined>;
  getFirewallOptions(vmid: number): Promise<LxcFirewallOptions>;
  setFirewallOptions(vmid: number, options: LxcFirewallOptions): Promise<void>;
  listFirewallRules(vmid: number): Promise<LxcFirewallRule[]>;
  createFirewallRule(vmid: number, rule: LxcFirewallRule): Promise<void>;
  deleteFirewallRule(
    vmid: number,
    pos: number,
    options?: { digest?: string },
  ): Promise<void>;
}

/**
 * True for PVE's answers when a vmid is taken (nextid/create race).
 *
 * @public
 */
export function isVmidTaken(err: unknown): boolean {
  if (!(err instanceof UpstreamApiError)) return false;
  if (err.status === 400 && err.fieldErrors.vmid) return true;
  // create/clone die in check_vmid_unused with a plain 500 "CT 105 already exists on node 'pve'"
  return err.status === 500 && /already exists on node/.test(err.reason ?? '');
}

/**
 * True when the source CT is locked by a concurrent task (e.g. another clone of the template).
 *
 * @public
 */
export function isLocked(err: unknown): boolean {
  return (
    err instanceof UpstreamApiError &&
    err.status === 500 &&
    /^CT is locked \(|can't lock file .* got timeout/.test(err.reason ?? '')
  );
}

/**
 * True for a CT that does not exist (PVE answers 500 `Configuration file ... does not exist`).
 *
 * @public
 */
export function isMissingCt(err: unknown): boolean {
  return (
    err instanceof UpstreamApiError &&
    (err.status === 404 ||
      (err.status === 500 &&
        /^Configuration file .* does not exist/.test(err.reason ?? '')))
  );
}
