import type { ProxmoxClient } from '@docker-env/plugin-docker-env-node';
import type { DockerEnvStore } from '../store/types';
import type { FinalBackup } from './FinalBackupStore';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What pruning needs; `now` is the clock (tests fix it). */
export interface PruneDeps {
  store: Pick<
    DockerEnvStore,
    'finalBackups' | 'transaction' | 'getEnvironmentById'
  >;
  proxmox: () => Pick<ProxmoxClient, 'deleteBackup' | 'waitForTask'>;
  retentionDays: number;
  /** The actor of the audit events. */
  actor: string;
  now?: () => Date;
}

/**
 * Deletes the final backups older than `retentionDays` from their storage and marks them pruned, with an audit event
 * each. The archive is deleted first and the record marked after, so a crash in between is finished by the next run
 * (Proxmox then answers that the volume does not exist). A backup a restore is reading (its restored environment
 * still `provisioning`) is left for a later run. Answers the volids pruned.
 */
export async function pruneFinalBackups(deps: PruneDeps): Promise<string[]> {
  const now = (deps.now ?? (() => new Date()))();
  const cutoff = new Date(now.getTime() - deps.retentionDays * DAY_MS);
  const pruned: string[] = [];
  for (const backup of await deps.store.finalBackups().listLive(cutoff)) {
    if (await underRestore(deps, backup)) continue;
    const proxmox = deps.proxmox();
    const upid = await proxmox.deleteBackup(backup.volid);
    if (upid) await proxmox.waitForTask(upid);
    await deps.store.transaction(async tx => {
      await tx.finalBackups().markPruned(backup.id, now, deps.actor);
      await tx.appendAudit({
        actor: deps.actor,
        action: 'backup.prune',
        target: backup.environment,
        environmentId: backup.environmentId,
        result: 'succeeded',
        reason: `older than the ${deps.retentionDays}-day retention`,
        details: { volid: backup.volid, createdAt: backup.createdAt },
      });
    });
    pruned.push(backup.volid);
  }
  return pruned;
}

/** True while a restore of the backup is under way: the environment it makes has not come up (or failed) yet. */
async function underRestore(
  deps: PruneDeps,
  backup: FinalBackup,
): Promise<boolean> {
  // read again: a restore may have started since the list
  const current = await deps.store.finalBackups().get(backup.id);
  if (!current?.restoredTo) return false;
  const restored = await deps.store.getEnvironmentById(current.restoredTo);
  return restored?.status === 'provisioning';
}
