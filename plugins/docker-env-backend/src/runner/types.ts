import type {
  OperationStep,
  OperationTarget,
} from '@docker-env/plugin-docker-env-workflows-node';
import type {
  OperationKind,
  OperationStatus,
  OperationStepStatus,
} from '@docker-env/plugin-docker-env-common';
import type { DockerEnvStore } from '../store/types';
import type {
  OperationRecord,
  OperationStepRecord,
} from '../operations/OperationStore';

export type {
  OperationKind,
  OperationStatus,
  OperationStepStatus,
  OperationRecord,
  OperationStepRecord,
};

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
 * Called inside the transaction that ends the operation (`tx`: the stores on it), so the environment record moves on (ready, failed, paused,
 * ...) atomically with it. If it throws, nothing is committed and the operation is finished again after its lease.
 */
export type OperationEndedHook = (
  operation: OperationRecord,
  tx: DockerEnvStore,
) => Promise<void>;

/** Called after the transaction that ended the operation committed (events, notifications); a failure is only logged. */
export type OperationAfterEndedHook = (
  operation: OperationRecord,
) => Promise<void>;
