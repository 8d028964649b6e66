import type { ProxmoxClient } from '@docker-env/plugin-docker-env-node';
import type { DockerEnvStore } from '../store/types';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What pruning needs; `now` is the clock (tests fix it). */
export interface PruneDeps {
  store: Pick<DockerEnvStore, 'finalBackups' | 'transaction'>;
  proxmox: () => Pick<ProxmoxClient, 'deleteBackup' | 'waitForTask'>;
  retentionDays: number;
  /** The actor of the audit events. */
  actor: string;
  now?: () => Date;
}

/**
 * Deletes the final backups older than `retentionDays` from their storage and marks them pruned, with an audit event
 * each. The archive is deleted first and the record marked after, so a crash in between is finished by the next run
 * (Proxmox then answers that the volume does not exist). Answers the volids pruned.
 */
export async function pruneFinalBackups(deps: PruneDeps): Promise<string[]> {
  const now = (deps.now ?? (() => new Date()))();
  const cutoff = new Date(now.getTime() - deps.retentionDays * DAY_MS);
  const pruned: string[] = [];
  for (const backup of await deps.store.finalBackups().listLive(cutoff)) {
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
