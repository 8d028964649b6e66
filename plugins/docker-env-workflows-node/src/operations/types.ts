import type { LoggerService } from '@backstage/backend-plugin-api';

/**
 * The environment an operation works on, as the steps see it (no database record: the runner in the backend plugin
 * and the scaffolder's fine-grained actions both build it).
 *
 * @public
 */
export interface OperationTarget {
  /** The environment's stable id (the ownership mark on every resource we create carries it). */
  environmentId: string;
  /** The project name (`<name>.<base domain>`, the CT hostname, the Portainer and NetBox names). */
  name: string;
  /** Owner entity ref, `user:default/alice` or `group:default/team-a`. */
  owner: string;
  /** Requested resources. */
  cpuCores: number;
  memoryMb: number;
  diskGb: number;
  /** Free text from the request. */
  purpose?: string;
  /** `managed` (the reconciler keeps it true) or `unmanaged` (made by a fine-grained action; left alone). */
  management?: 'managed' | 'unmanaged';
}

/**
 * What a step runs with. `facts` holds what earlier steps learnt (vmid, node, ip, endpointId, netboxVmId, ...),
 * as recorded by the runner; a step returns the facts it learnt, and the runner merges and records them.
 *
 * @public
 */
export interface StepContext {
  target: OperationTarget;
  facts: Readonly<Record<string, unknown>>;
  /** Aborted when the step's timeout passes or the operation is cancelled; pass it to every client call. */
  signal: AbortSignal;
  logger: LoggerService;
}

/**
 * One idempotent step of an operation (provision, pause, resume, snapshot, delete, deploy).
 *
 * `run` first looks whether its work is already done and whether what it finds carries our mark; it adopts only
 * what is ours and refuses clearly otherwise. `undo` removes what `run` made (and only that), and must itself be
 * safe to call twice or after a `run` that never finished.
 *
 * @public
 */
export interface OperationStep {
  /** Stable name, recorded with the operation (`lxc`, `start`, `ip`, `agent`, `portainer`, ...). */
  readonly name: string;
  /** Upper bound for one `run` (and one `undo`); the runner aborts `signal` and fails the step past it. */
  readonly timeoutMs: number;
  run(ctx: StepContext): Promise<Record<string, unknown> | void>;
  undo?(ctx: StepContext): Promise<void>;
  /**
   * What `run` leaves behind, named for a person (`CT 105 on node pve`), from the facts recorded so far (a step that
   * timed out recorded none: name what carries the environment's mark). The runner lists it as a leftover of the
   * environment when the undo fails. Default: `what step <name> made`.
   */
  holds?(ctx: Pick<StepContext, 'target' | 'facts'>): string[];
}
