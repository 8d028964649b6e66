import { InputError } from '@backstage/errors';
import type { OperationStep } from '../operations';
import { deleteSteps } from './deleteSteps';
import { pauseSteps } from './pauseSteps';
import { resizeSteps } from './resizeSteps';
import { resumeSteps } from './resumeSteps';
import { transferSteps } from './transferSteps';
import {
  snapshotCreateSteps,
  snapshotDeleteSteps,
  snapshotRollbackSteps,
} from './snapshotSteps';
import {
  LIFECYCLE_KINDS,
  type LifecycleConfig,
  type LifecycleDeps,
  type LifecycleKind,
} from './types';

/**
 * The ordered steps of one lifecycle operation, for the runner to register under `kind`.
 *
 * @public
 */
export function buildLifecycleSteps(
  kind: LifecycleKind,
  deps: LifecycleDeps,
  config: LifecycleConfig,
): OperationStep[] {
  const env = { deps, config };
  switch (kind) {
    case 'pause':
      return pauseSteps(env);
    case 'resume':
      return resumeSteps(env);
    case 'snapshot_create':
      return snapshotCreateSteps(env);
    case 'snapshot_rollback':
      return snapshotRollbackSteps(env);
    case 'snapshot_delete':
      return snapshotDeleteSteps(env);
    case 'delete':
      return deleteSteps(env);
    case 'resize':
      return resizeSteps(env);
    case 'transfer':
      return transferSteps(env);
    default:
      throw new InputError(
        `kind: must be one of ${LIFECYCLE_KINDS.join(', ')}`,
      );
  }
}
