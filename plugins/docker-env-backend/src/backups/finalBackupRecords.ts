import type { OperationRecord } from '../operations/OperationStore';
import type { FinalBackupStore } from './FinalBackupStore';

/**
 * Records the final backup of a succeeded delete (its step's `finalBackupVolid`), in the transaction that ends the
 * operation, so every final backup is listed for an admin and found by retention.
 */
export async function recordFinalBackup(
  operation: OperationRecord,
  store: FinalBackupStore,
): Promise<void> {
  if (operation.kind !== 'delete' || operation.status !== 'succeeded') return;
  const volid = operation.result?.finalBackupVolid;
  const vmid = operation.result?.vmid ?? operation.input.vmid;
  const node = operation.result?.node ?? operation.input.node;
  if (typeof volid !== 'string' || typeof vmid !== 'number') return;
  await store.record({
    environmentId: operation.environmentId,
    volid,
    node: typeof node === 'string' ? node : '',
    vmid,
    operationId: operation.id,
    createdAt: operation.endedAt ?? new Date(),
  });
}

/**
 * A restore that did not succeed left no environment (rolled back, its record `failed`): its backup is no longer
 * marked restored, in the transaction that ends the operation.
 */
export async function recordRestoreOutcome(
  operation: OperationRecord,
  store: FinalBackupStore,
): Promise<void> {
  if (operation.kind !== 'restore' || operation.status === 'succeeded') return;
  const backupId = operation.input.finalBackupId;
  if (typeof backupId !== 'string') return;
  await store.clearRestoredTo(backupId, operation.environmentId);
}
