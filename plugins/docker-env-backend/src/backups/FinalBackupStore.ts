import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { readTimestamp } from '../store/rows';

/** A delete's final backup (a vzdump archive in the backup storage), with the environment it came from. */
export interface FinalBackup {
  id: string;
  environmentId: string;
  /** The deleted environment's name and owner. */
  environment: string;
  owner: string;
  volid: string;
  node: string;
  vmid: number;
  /** The delete operation that made it. */
  operationId: string;
  createdAt: string;
  /** The environment the last restore of it made, if any. */
  restoredTo: string | null;
}

function toBackup(row: any): FinalBackup {
  return {
    id: row.id,
    environmentId: row.environment_id,
    environment: row.name,
    owner: row.owner,
    volid: row.volid,
    node: row.node,
    vmid: Number(row.vmid),
    operationId: row.operation_id,
    createdAt: readTimestamp(row.created_at)!,
    restoredTo: row.restored_to ?? null,
  };
}

/** The final backups on one connection or transaction. */
export class FinalBackupStore {
  constructor(private readonly db: Knex) {}

  /** Records a final backup once (a rerun of the delete's end finds it recorded). */
  async record(backup: {
    environmentId: string;
    volid: string;
    node: string;
    vmid: number;
    operationId: string;
    createdAt: Date;
  }): Promise<void> {
    await this.db('final_backups')
      .insert({
        id: randomUUID(),
        environment_id: backup.environmentId,
        volid: backup.volid,
        node: backup.node,
        vmid: backup.vmid,
        operation_id: backup.operationId,
        created_at: backup.createdAt,
      })
      .onConflict('volid')
      .ignore();
  }

  /** The backups not pruned yet, newest first; with `createdBefore`, only those made before it. */
  async listLive(createdBefore?: Date): Promise<FinalBackup[]> {
    const query = this.live().orderBy('final_backups.created_at', 'desc');
    if (createdBefore)
      query.where('final_backups.created_at', '<', createdBefore);
    return (await query).map(toBackup);
  }

  /** One backup not pruned yet. */
  async get(id: string): Promise<FinalBackup | undefined> {
    const row = await this.live().where('final_backups.id', id).first();
    return row ? toBackup(row) : undefined;
  }

  /** Marks a backup pruned (its archive deleted). */
  async markPruned(id: string, at: Date, by: string): Promise<void> {
    await this.db('final_backups')
      .where({ id })
      .update({ pruned_at: at, pruned_by: by });
  }

  /** Records the environment a restore of the backup makes. */
  async markRestoredTo(id: string, environmentId: string): Promise<void> {
    await this.db('final_backups')
      .where({ id })
      .update({ restored_to: environmentId });
  }

  /** Drops the mark of a restore that did not succeed (only while it still names that environment). */
  async clearRestoredTo(id: string, environmentId: string): Promise<void> {
    await this.db('final_backups')
      .where({ id, restored_to: environmentId })
      .update({ restored_to: null });
  }

  private live() {
    return this.db('final_backups')
      .join('environments', 'environments.id', 'final_backups.environment_id')
      .whereNull('final_backups.pruned_at')
      .select('final_backups.*', 'environments.name', 'environments.owner');
  }
}
