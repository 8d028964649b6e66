import { snapshotNamesToDelete } from '@docker-env/plugin-docker-env-workflows-node';
import type { OperationRecord } from '../operations/OperationStore';
import type { SnapshotStore } from './SnapshotStore';

/** Why a snapshot was deleted when the operation's input does not say (`snapshotDeleteReason`). */
export const REQUESTED_DELETE_REASON = 'deleted on request';

/** Why an environment's snapshots are marked deleted when the environment is: they die with the CT. */
export const ENVIRONMENT_DELETED_REASON = 'environment deleted';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/**
 * Keeps `snapshots` in step with the operations that change them, in the transaction that ends the operation (so
 * the record and the operation's outcome commit together: `store` is on that transaction): a succeeded create records the snapshot, a rollback
 * marks it, a delete marks it deleted (with `snapshotDeleteReason` from the input), and an environment's delete marks
 * all its snapshots deleted. Failed operations change nothing.
 */
export async function recordSnapshotOutcome(
  operation: OperationRecord,
  store: SnapshotStore,
): Promise<void> {
  if (operation.status !== 'succeeded') return;
  const at = operation.endedAt ?? new Date();
  const by = operation.requestedBy;
  const name = text(operation.input.snapshotName);
  switch (operation.kind) {
    case 'snapshot_create':
      if (name)
        await store.recordCreated({
          environmentId: operation.environmentId,
          name,
          description: text(operation.input.snapshotDescription) ?? '',
          createdBy: by,
          createdAt: at,
          operationId: operation.id,
        });
      return;
    case 'snapshot_rollback':
      if (name)
        await store.recordRolledBack(operation.environmentId, name, at, by);
      return;
    case 'snapshot_delete':
      for (const deleted of snapshotNamesToDelete(operation.input))
        await store.recordDeleted(operation.environmentId, deleted, {
          at,
          by,
          reason:
            text(operation.input.snapshotDeleteReason) ??
            REQUESTED_DELETE_REASON,
        });
      return;
    case 'delete':
      await store.recordDeleted(operation.environmentId, undefined, {
        at,
        by,
        reason: ENVIRONMENT_DELETED_REASON,
      });
      return;
    default:
  }
}
