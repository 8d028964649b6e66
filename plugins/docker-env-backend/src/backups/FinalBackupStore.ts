import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import type { Environment } from '@docker-env/plugin-docker-env-common';
import { readTimestamp } from '../store/rows';
import type { DockerEnvStore } from '../store/types';

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

interface FinalBackupRow {
  id: string;
  environment_id: string;
  volid: string;
  node: string;
  vmid: number | string;
  operation_id: string;
  created_at: unknown;
  restored_to: string | null;
}

/** A row of `final_backups` with the environment it came from. */
function toBackup(row: FinalBackupRow, environment: Environment): FinalBackup {
  return {
    id: row.id,
    environmentId: row.environment_id,
    environment: environment.name,
    owner: environment.owner,
    volid: row.volid,
    node: row.node,
    vmid: Number(row.vmid),
    operationId: row.operation_id,
    createdAt: readTimestamp(row.created_at)!,
    restoredTo: row.restored_to ?? null,
  };
}

/** The `final_backups` table: the archives deleted environments left, until retention prunes them. */
export interface FinalBackupStore {
  /** Records a final backup once (a rerun of the delete's end finds it recorded). */
  record(backup: {
    environmentId: string;
    volid: string;
    node: string;
    vmid: number;
    operationId: string;
    createdAt: Date;
  }): Promise<void>;
  /** The backups not pruned yet, newest first; with `createdBefore`, only those made before it. */
  listLive(createdBefore?: Date): Promise<FinalBackup[]>;
  /** One backup not pruned yet. */
  get(id: string): Promise<FinalBackup | undefined>;
  /** Marks a backup pruned (its archive deleted). */
  markPruned(id: string, at: Date, by: string): Promise<void>;
  /**
   * Records the environment a restore of the backup makes, only when no restore holds the backup (none made or
   * making an environment from it, or only `replacing`'s) and it is not pruned; false otherwise. The update is conditional, so of two
   * concurrent restores one wins.
   */
  markRestoredTo(
    id: string,
    environmentId: string,
    /** The environment of an earlier restore that is gone (deleted, failed): its mark may be replaced. */
    replacing?: string | null,
  ): Promise<boolean>;
  /** Drops the mark of a restore that did not succeed (only while it still names that environment). */
  clearRestoredTo(id: string, environmentId: string): Promise<void>;
}

/** The knex implementation of {@link FinalBackupStore}; the environments come from their store, on the same connection. */
export class DatabaseFinalBackupStore implements FinalBackupStore {
  constructor(
    private readonly db: Knex,
    private readonly environments: Pick<DockerEnvStore, 'findEnvironments'>,
  ) {}

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
    const query = this.live().orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id' },
    ]);
    if (createdBefore) query.where('created_at', '<', createdBefore);
    return this.withEnvironments(await query);
  }

  /** One backup not pruned yet. */
  async get(id: string): Promise<FinalBackup | undefined> {
    const row = await this.live().where({ id }).first();
    return row && (await this.withEnvironments([row]))[0];
  }

  /** Marks a backup pruned (its archive deleted). */
  async markPruned(id: string, at: Date, by: string): Promise<void> {
    await this.db('final_backups')
      .where({ id })
      .update({ pruned_at: at, pruned_by: by });
  }

  /** Records the environment a restore of the backup makes, unless a restore holds it or it is pruned. */
  async markRestoredTo(
    id: string,
    environmentId: string,
    replacing: string | null = null,
  ): Promise<boolean> {
    const query = this.db('final_backups').where({ id });
    if (replacing) query.where({ restored_to: replacing });
    else query.whereNull('restored_to');
    const marked = await query
      .whereNull('pruned_at')
      .update({ restored_to: environmentId });
    return marked === 1;
  }

  /** Drops the mark of a restore that did not succeed (only while it still names that environment). */
  async clearRestoredTo(id: string, environmentId: string): Promise<void> {
    await this.db('final_backups')
      .where({ id, restored_to: environmentId })
      .update({ restored_to: null });
  }

  private live() {
    return this.db<FinalBackupRow>('final_backups').whereNull('pruned_at');
  }

  /** The backups with the name and owner of their environment (kept as `deleted`: a backup's record stays). */
  private async withEnvironments(rows: FinalBackupRow[]) {
    if (rows.length === 0) return [];
    const environments = new Map(
      (
        await this.environments.findEnvironments({
          ids: [...new Set(rows.map(r => r.environment_id))],
        })
      ).map(e => [e.id, e]),
    );
    return rows
      .filter(r => environments.has(r.environment_id))
      .map(r => toBackup(r, environments.get(r.environment_id)!));
  }
}
