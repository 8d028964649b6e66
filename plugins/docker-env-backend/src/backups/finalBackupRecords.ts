import type { Knex } from 'knex';
import type { OperationRecord } from '../runner';
import { FinalBackupStore } from './FinalBackupStore';

/**
 * Records the final backup of a succeeded delete (its step's `finalBackupVolid`), in the transaction that ends the
 * operation, so every final backup is listed for an admin and found by retention.
 */
export async function recordFinalBackup(
  operation: OperationRecord,
  tx: Knex,
): Promise<void> {
  if (operation.kind !== 'delete' || operation.status !== 'succeeded') return;
  const volid = operation.result?.finalBackupVolid;
  const vmid = operation.result?.vmid ?? operation.input.vmid;
  const node = operation.result?.node ?? operation.input.node;
  if (typeof volid !== 'string' || typeof vmid !== 'number') return;
  await new FinalBackupStore(tx).record({
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
  tx: Knex,
): Promise<void> {
  if (operation.kind !== 'restore' || operation.status === 'succeeded') return;
  const backupId = operation.input.finalBackupId;
  if (typeof backupId !== 'string') return;
  await new FinalBackupStore(tx).clearRestoredTo(
    backupId,
    operation.environmentId,
  );
}
