import type { Knex } from 'knex';
import { readTimestamp } from '../store/rows';

export {
  DRIFT_KINDS,
  DRIFT_RESOURCE_KINDS,
  type DriftKind,
  type DriftResourceKind,
} from '@docker-env/plugin-docker-env-common';
import type {
  DriftKind,
  DriftResourceKind,
} from '@docker-env/plugin-docker-env-common';

/** One drift a reconcile pass found. */
export interface DriftFinding {
  kind: DriftKind;
  resourceKind: DriftResourceKind;
  /** The vmid, route id, Portainer endpoint id or NetBox VM id (the name where the resource is missing). */
  resourceId: string;
  /** The record the resource belongs to, or the id its mark names; null when there is none. */
  environmentId: string | null;
  environmentName: string | null;
  detail: string;
}

/** A stored flag. */
export interface DriftFlag extends DriftFinding {
  id: number;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Null while the drift lasts. */
  resolvedAt: string | null;
}

/** Filters of {@link DriftFlagStore.list}. */
export interface DriftQuery {
  environmentId?: string;
  environmentName?: string;
  kind?: DriftKind;
  resourceKind?: DriftResourceKind;
  /** `open` (default), `resolved` or `all`. */
  state?: 'open' | 'resolved' | 'all';
  limit?: number;
}

/** The key one open flag is unique by. */
export const flagKey = (f: Omit<DriftFinding, 'detail'>) =>
  `${f.kind} ${f.resourceKind} ${f.resourceId}`;

interface DriftFlagRow {
  id: number | string;
  kind: DriftKind;
  resource_kind: DriftResourceKind;
  resource_id: string;
  environment_id: string | null;
  environment_name: string | null;
  detail: string;
  first_seen_at: unknown;
  last_seen_at: unknown;
  resolved_at: unknown;
}

function toFlag(row: DriftFlagRow): DriftFlag {
  return {
    id: Number(row.id),
    kind: row.kind,
    resourceKind: row.resource_kind,
    resourceId: row.resource_id,
    environmentId: row.environment_id ?? null,
    environmentName: row.environment_name ?? null,
    detail: row.detail,
    firstSeenAt: readTimestamp(row.first_seen_at)!,
    lastSeenAt: readTimestamp(row.last_seen_at)!,
    resolvedAt: readTimestamp(row.resolved_at),
  };
}

/**
 * The `drift_flags` table: at most one open flag per drift (a partial unique index), kept open while passes see it,
 * resolved (never deleted) once a pass no longer does.
 */
export interface DriftFlagStore {
  /** Every open flag. */
  open(): Promise<DriftFlag[]>;
  /** Opens a flag for the finding, or moves the open one's `last_seen_at` (and detail) on; true when it is new. */
  raise(finding: DriftFinding, now: Date): Promise<boolean>;
  /** Resolves an open flag. */
  resolve(id: number, now: Date): Promise<void>;
  /** Flags matching the query, newest first. */
  list(query?: DriftQuery): Promise<DriftFlag[]>;
}

/** The knex implementation of {@link DriftFlagStore}, on a connection or a transaction. */
export class DatabaseDriftFlagStore implements DriftFlagStore {
  constructor(private readonly db: Knex) {}

  /** Every open flag. */
  async open(): Promise<DriftFlag[]> {
    const rows: DriftFlagRow[] = await this.db('drift_flags').whereNull(
      'resolved_at',
    );
    return rows.map(toFlag);
  }

  /** Opens a flag for the finding, or moves the open one's `last_seen_at` (and detail) on; true when it is new. */
  async raise(finding: DriftFinding, now: Date): Promise<boolean> {
    const key = {
      kind: finding.kind,
      resource_kind: finding.resourceKind,
      resource_id: finding.resourceId,
    };
    const updated = await this.db('drift_flags')
      .where(key)
      .whereNull('resolved_at')
      .update({
        last_seen_at: now,
        detail: finding.detail,
        environment_id: finding.environmentId,
        environment_name: finding.environmentName,
      });
    if (updated > 0) return false;
    await this.db('drift_flags').insert({
      ...key,
      environment_id: finding.environmentId,
      environment_name: finding.environmentName,
      detail: finding.detail,
      first_seen_at: now,
      last_seen_at: now,
    });
    return true;
  }

  /** Resolves an open flag. */
  async resolve(id: number, now: Date): Promise<void> {
    await this.db('drift_flags')
      .where({ id })
      .whereNull('resolved_at')
      .update({ resolved_at: now });
  }

  /** Flags matching the query, newest first. */
  async list(query: DriftQuery = {}): Promise<DriftFlag[]> {
    const qb = this.db('drift_flags')
      .orderBy('id', 'desc')
      .limit(query.limit ?? 100);
    const state = query.state ?? 'open';
    if (state === 'open') qb.whereNull('resolved_at');
    if (state === 'resolved') qb.whereNotNull('resolved_at');
    if (query.environmentId) qb.where('environment_id', query.environmentId);
    if (query.environmentName)
      qb.where('environment_name', query.environmentName);
    if (query.kind) qb.where('kind', query.kind);
    if (query.resourceKind) qb.where('resource_kind', query.resourceKind);
    const rows: DriftFlagRow[] = await qb;
    return rows.map(toFlag);
  }
}
