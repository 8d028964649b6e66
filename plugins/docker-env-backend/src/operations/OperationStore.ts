import type {
  Operation,
  OperationKind,
  OperationStatus,
  OperationStepStatus,
} from '@docker-env/plugin-docker-env-common';

/** An operation row as the runner reads it (JSON parsed, timestamps as `Date`). */
export interface OperationRecord {
  id: string;
  environmentId: string;
  kind: OperationKind;
  status: OperationStatus;
  input: Record<string, unknown>;
  result: Record<string, unknown> | null;
  /** `step <name>: <reason>` (and the undo's reason when an undo failed as well). */
  error: string | null;
  failedStep: string | null;
  requestedBy: string;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  claimedBy: string | null;
  claimExpiresAt: Date | null;
  attempts: number;
}

/** One recorded step of an operation. */
export interface OperationStepRecord {
  position: number;
  name: string;
  status: OperationStepStatus;
  startedAt: Date | null;
  endedAt: Date | null;
  facts: Record<string, unknown>;
  error: string | null;
}

/** A new operation: queued, holding `lockKey` while queued or running. */
export interface NewOperation {
  environmentId: string;
  kind: OperationKind;
  input: Record<string, unknown>;
  requestedBy: string;
  /**
   * `env:<id>` (the environment exclusively) for lifecycle operations, restores and scheduled work;
   * `deploy:<id>:<container>` (the environment shared, the container's key exclusively) for deployments; null holds
   * no lock. See `locks.ts`.
   */
  lockKey: string | null;
}

/** A runner's hold on a running operation: the fencing token of every write after the claim. */
export interface ClaimFence {
  operationId: string;
  ownerId: string;
  attempts: number;
}

/** What a fenced write may change on the operation row besides extending the lease. */
export interface OperationChange {
  status?: 'succeeded' | 'failed' | 'rolled_back';
  result?: Record<string, unknown> | null;
  error?: string | null;
  failedStep?: string | null;
  endedAt?: Date;
}

/** A change to one recorded step. */
export interface StepChange {
  status: OperationStepStatus;
  facts?: Record<string, unknown>;
  error?: string | null;
  /** Sets `startedAt` to `at` (and clears `endedAt`). */
  started?: boolean;
  /** Sets `endedAt` to `at`. */
  ended?: boolean;
}

/**
 * The `operations` and `operation_steps` tables: the records the API lists, the reads of the background tasks, and
 * the claims of the runner (a lease per claim, every later write fenced by owner and attempt).
 */
export interface OperationStore {
  /**
   * Inserts a queued operation under its lock (taken in this store's transaction): throws `ConflictError` naming the
   * holder and its age when an active operation's lock keeps `lockKey` out.
   */
  insert(input: NewOperation): Promise<Operation>;
  /**
   * Takes the environment's row lock until this store's transaction ends and refuses (`ConflictError` naming the holder)
   * when an active operation's lock keeps `lockKey` out: writers that are not operations (the reconciler) call it in
   * the transaction around their write.
   */
  lockEnvironment(environmentId: string, lockKey: string): Promise<void>;
  /** One operation with its steps. */
  get(id: string): Promise<Operation | undefined>;
  /** The environment's operations, newest first, with their steps. */
  listForEnvironment(environmentId: string): Promise<Operation[]>;
  /**
   * One page of the environment's operations with their steps, newest first (`created_at` desc, then id), after
   * `cursor` (a `nextCursor` this returned; `InputError` for any other); `nextCursor` null on the last page.
   */
  pageForEnvironment(
    environmentId: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: Operation[]; nextCursor: string | null }>;
  /** The environments with an operation queued or running. */
  busyEnvironmentIds(): Promise<Set<string>>;
  /** True when an operation of the environment is queued or running. */
  hasActive(environmentId: string): Promise<boolean>;
  /** The environment's operations that are queued or running (a few at most: the lock keys hold one per kind of work). */
  activeFor(
    environmentId: string,
  ): Promise<Array<{ id: string; kind: OperationKind }>>;
  /**
   * Operations that touch containers now or touched them lately: queued or running, or ended after `endedAfter`
   * (the container watcher's portal-made window); at most `limit`, newest first.
   */
  recentlyActive(
    endedAfter: Date,
    limit: number,
  ): Promise<
    Array<{
      id: string;
      environmentId: string;
      kind: OperationKind;
      createdAt: Date;
      endedAt: Date | null;
    }>
  >;
  /** The kind and result of the environment's succeeded operations, oldest first. */
  succeededResults(
    environmentId: string,
  ): Promise<Array<{ kind: OperationKind; result: Record<string, unknown> }>>;
  /** When `requestedBy` started its latest deploys after `since`, newest first, at most `limit`. */
  deployTimes(requestedBy: string, since: Date, limit: number): Promise<Date[]>;
  /** The inputs of the environments' deploys whose container counts against the quota. */
  containerHoldingDeploys(
    environmentIds: string[],
  ): Promise<Array<{ environmentId: string; input: Record<string, unknown> }>>;

  /** Up to `limit` ids of operations that are queued or whose claim expired before `now`, oldest first. */
  claimableIds(now: Date, limit: number): Promise<string[]>;
  /** Claims the operation if it is still claimable (a compare-and-set); the claimed record, else undefined. */
  claim(
    id: string,
    claim: { ownerId: string; now: Date; expiresAt: Date },
  ): Promise<OperationRecord | undefined>;
  /** Extends the lease to `expiresAt` with `change`, only while the fence holds; false when it no longer does. */
  fence(
    fence: ClaimFence,
    expiresAt: Date | null,
    change?: OperationChange,
  ): Promise<boolean>;
  /** Ends the lease at `at` (the claim is given up), only while the fence holds. */
  release(fence: ClaimFence, at: Date): Promise<void>;
  /** The operation record (no steps). */
  getRecord(id: string): Promise<OperationRecord | undefined>;
  /** The operation's recorded steps in order. */
  listSteps(operationId: string): Promise<OperationStepRecord[]>;
  /** Records the steps as `pending`, in order. */
  insertSteps(operationId: string, names: string[]): Promise<void>;
  updateStep(
    operationId: string,
    position: number,
    change: StepChange,
    at: Date,
  ): Promise<void>;
  /** Marks the steps never reached `skipped`. */
  skipPendingSteps(operationId: string): Promise<void>;
}
