import type {
  OperationStep,
  OperationTarget,
} from '@docker-env/plugin-docker-env-workflows-node';
import type {
  OperationKind,
  OperationStatus,
  OperationStepStatus,
} from '@docker-env/plugin-docker-env-common';
import type { Knex } from 'knex';

export type { OperationKind, OperationStatus, OperationStepStatus };

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

/**
 * An operation this runner holds the claim of. `attempts` is the fencing token: every write checks that the row is
 * still claimed by this owner at this attempt, so a runner that lost its lease cannot overwrite its successor.
 */
export interface OperationClaim {
  operation: OperationRecord;
  ownerId: string;
  attempts: number;
}

/** How one kind of operation is built from its target and input. */
export interface OperationKindDefinition {
  /** The ordered steps; called again on every resume, so it must build the same list for the same input. */
  steps(
    target: OperationTarget,
    input: Record<string, unknown>,
  ): OperationStep[];
  /**
   * What to do with the step that was running when a runner died: `rerun` it (steps are idempotent; the default) or
   * `rollback` the operation.
   */
  onInterrupted?: 'rerun' | 'rollback';
}

/** The step lists the runner knows, by operation kind. */
export type OperationRegistry = Partial<
  Record<OperationKind, OperationKindDefinition>
>;

/**
 * Called inside the transaction that ends the operation, so the environment record moves on (ready, failed, paused,
 * ...) atomically with it. If it throws, nothing is committed and the operation is finished again after its lease.
 */
export type OperationEndedHook = (
  operation: OperationRecord,
  tx: Knex.Transaction,
) => Promise<void>;

/** Called after the transaction that ended the operation committed (events, notifications); a failure is only logged. */
export type OperationAfterEndedHook = (
  operation: OperationRecord,
) => Promise<void>;
