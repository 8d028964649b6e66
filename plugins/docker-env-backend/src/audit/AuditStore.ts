import type { Knex } from 'knex';
import { readJson, readTimestamp } from '../store/rows';

/** One append-only audit event. */
export interface AuditEntry {
  actor: string;
  action: string;
  target: string | null;
  environmentId: string | null;
  result: 'succeeded' | 'refused' | 'failed';
  reason?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

/** A stored audit event. */
export interface AuditEvent extends Required<AuditEntry> {
  id: number;
  at: string;
}

/** Filters of {@link AuditStore.list}. */
export interface AuditQuery {
  environmentId?: string;
  /** With `environmentId`: also the refusals that named the environment without its id (target = the name). */
  environmentName?: string;
  /**
   * With `environmentName`: of the rows without an environment, only this actor's (a non-admin reader sees their
   * own refused attempts, not other users').
   */
  unscopedRowsOf?: string;
  actor?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit?: number;
}

/** The append-only `audit_events` table. */
export interface AuditStore {
  /** Appends one audit event (never updated or deleted). */
  append(entry: AuditEntry): Promise<AuditEvent>;
  /** Events matching the query, newest first. */
  list(query: AuditQuery): Promise<AuditEvent[]>;
}

interface AuditRow {
  id: number | string;
  at: unknown;
  actor: string;
  action: string;
  target: string | null;
  environment_id: string | null;
  result: AuditEntry['result'];
  reason: string | null;
  request_id: string | null;
  details: string | null;
}

function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    id: Number(row.id),
    at: readTimestamp(row.at)!,
    actor: row.actor,
    action: row.action,
    target: row.target ?? null,
    environmentId: row.environment_id ?? null,
    result: row.result,
    reason: row.reason ?? null,
    requestId: row.request_id ?? null,
    details: readJson(row.details, {}),
  };
}

const TABLE = 'audit_events';

/** The knex implementation of {@link AuditStore}, on a connection or a transaction. */
export class DatabaseAuditStore implements AuditStore {
  constructor(private readonly db: Knex) {}

  async append(entry: AuditEntry): Promise<AuditEvent> {
    const row = {
      at: new Date(),
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      environment_id: entry.environmentId,
      result: entry.result,
      reason: entry.reason ?? null,
      request_id: entry.requestId ?? null,
      details: JSON.stringify(entry.details ?? {}),
    };
    const [inserted] = await this.db(TABLE).insert(row, ['id']);
    const id = typeof inserted === 'object' ? inserted.id : inserted;
    return toAuditEvent({ ...row, id });
  }

  async list(query: AuditQuery): Promise<AuditEvent[]> {
    const qb = this.db(TABLE)
      .orderBy('id', 'desc')
      .limit(query.limit ?? 100);
    if (query.environmentId) {
      const { environmentId, environmentName } = query;
      qb.where(b => {
        b.where('environment_id', environmentId);
        if (environmentName) {
          b.orWhere(u => {
            u.whereNull('environment_id').andWhere('target', environmentName);
            if (query.unscopedRowsOf) u.andWhere('actor', query.unscopedRowsOf);
          });
        }
      });
    }
    if (query.actor) qb.where('actor', query.actor);
    if (query.action) qb.where('action', query.action);
    if (query.from) qb.where('at', '>=', query.from);
    if (query.to) qb.where('at', '<', query.to);
    const rows: AuditRow[] = await qb;
    return rows.map(toAuditEvent);
  }
}
