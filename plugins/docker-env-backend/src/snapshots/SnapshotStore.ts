import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { readTimestamp } from '../store/rows';

/** A snapshot made through the portal, as `snapshots` records it. */
export interface SnapshotRecord {
  id: string;
  environmentId: string;
  name: string;
  description: string;
  createdBy: string;
  createdAt: string;
  /** The `snapshot_create` operation that made it. */
  operationId: string | null;
  rolledBackAt: string | null;
  rolledBackBy: string | null;
  deletedAt: string | null;
  deletedBy: string | null;
  deletedReason: string | null;
}

/** Who removed a snapshot, when and why. */
export interface SnapshotRemoval {
  at: Date;
  by: string;
  reason: string;
}

interface SnapshotRow {
  id: string;
  environment_id: string;
  name: string;
  description: string | null;
  created_by: string;
  created_at: unknown;
  operation_id: string | null;
  rolled_back_at: unknown;
  rolled_back_by: string | null;
  deleted_at: unknown;
  deleted_by: string | null;
  deleted_reason: string | null;
}

function toRecord(row: SnapshotRow): SnapshotRecord {
  return {
    id: row.id,
    environmentId: row.environment_id,
    name: row.name,
    description: row.description ?? '',
    createdBy: row.created_by,
    createdAt: readTimestamp(row.created_at)!,
    operationId: row.operation_id ?? null,
    rolledBackAt: readTimestamp(row.rolled_back_at),
    rolledBackBy: row.rolled_back_by ?? null,
    deletedAt: readTimestamp(row.deleted_at),
    deletedBy: row.deleted_by ?? null,
    deletedReason: row.deleted_reason ?? null,
  };
}

/** The `snapshots` table: the metadata of the snapshots made through the portal. */
export interface SnapshotStore {
  /** Records a snapshot the portal made; a name made again (after a delete) starts a fresh record. */
  recordCreated(snapshot: {
    environmentId: string;
    name: string;
    description: string;
    createdBy: string;
    createdAt: Date;
    operationId: string | null;
  }): Promise<void>;
  /** Marks the live record of a snapshot rolled back to. */
  recordRolledBack(
    environmentId: string,
    name: string,
    at: Date,
    by: string,
  ): Promise<void>;
  /** Marks a snapshot's live record deleted (all of the environment's when `name` is undefined). */
  recordDeleted(
    environmentId: string,
    name: string | undefined,
    removal: SnapshotRemoval,
  ): Promise<void>;
  /** The environment's live (not deleted) records, oldest first. */
  listLive(environmentId: string): Promise<SnapshotRecord[]>;
  /** Every record of the environment, deleted ones included, oldest first. */
  listAll(environmentId: string): Promise<SnapshotRecord[]>;
}

/** The knex implementation of {@link SnapshotStore}, on one connection or transaction. */
export class DatabaseSnapshotStore implements SnapshotStore {
  constructor(private readonly db: Knex) {}

  /** Records a snapshot the portal made; a name made again (after a delete) starts a fresh record. */
  async recordCreated(snapshot: {
    environmentId: string;
    name: string;
    description: string;
    createdBy: string;
    createdAt: Date;
    operationId: string | null;
  }): Promise<void> {
    const fresh = {
      description: snapshot.description,
      created_by: snapshot.createdBy,
      created_at: snapshot.createdAt,
      operation_id: snapshot.operationId,
      rolled_back_at: null,
      rolled_back_by: null,
      deleted_at: null,
      deleted_by: null,
      deleted_reason: null,
    };
    await this.db('snapshots')
      .insert({
        id: randomUUID(),
        environment_id: snapshot.environmentId,
        name: snapshot.name,
        ...fresh,
      })
      .onConflict(['environment_id', 'name'])
      .merge(fresh);
  }

  /** Marks the live record of a snapshot rolled back to. */
  async recordRolledBack(
    environmentId: string,
    name: string,
    at: Date,
    by: string,
  ): Promise<void> {
    await this.live(environmentId)
      .where({ name })
      .update({ rolled_back_at: at, rolled_back_by: by });
  }

  /** Marks a snapshot's live record deleted (all of the environment's when `name` is undefined). */
  async recordDeleted(
    environmentId: string,
    name: string | undefined,
    removal: SnapshotRemoval,
  ): Promise<void> {
    const query = this.live(environmentId);
    if (name !== undefined) query.where({ name });
    await query.update({
      deleted_at: removal.at,
      deleted_by: removal.by,
      deleted_reason: removal.reason,
    });
  }

  /** The environment's live (not deleted) records, oldest first. */
  async listLive(environmentId: string): Promise<SnapshotRecord[]> {
    const rows = await this.live(environmentId).orderBy('created_at');
    return rows.map(toRecord);
  }

  /** Every record of the environment, deleted ones included, oldest first. */
  async listAll(environmentId: string): Promise<SnapshotRecord[]> {
    const rows = await this.db('snapshots')
      .where({ environment_id: environmentId })
      .orderBy('created_at');
    return rows.map(toRecord);
  }

  private live(environmentId: string) {
    return this.db('snapshots')
      .where({ environment_id: environmentId })
      .whereNull('deleted_at');
  }
}
