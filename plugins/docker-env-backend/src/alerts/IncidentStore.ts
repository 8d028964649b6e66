import { randomUUID } from 'node:crypto';
import type { AlertKind } from '@docker-env/plugin-docker-env-common';
import type { Knex } from 'knex';
import { isUniqueViolation, parseTimestamp, readJson } from '../store/rows';

/** `pending`: seen, not told yet (a grace or a duration runs); `open`: told; `resolved`: over. */
export type IncidentState = 'pending' | 'open' | 'resolved';

/** One alert incident. */
export interface Incident {
  id: string;
  environmentId: string;
  kind: AlertKind;
  /** The container's name, or the resource (`cpu`, `memory`, `disk`). */
  subject: string;
  state: IncidentState;
  /** Exit code, signal, OOM, restarts, value and threshold: what the notices say. */
  details: Record<string, unknown>;
  /** Opened while the rules were silenced: no notice when it opens or clears. */
  silenced: boolean;
  /** Times it was seen while live (exits, restarts, readings over the threshold). */
  count: number;
  startedAt: Date;
  dueAt: Date | null;
  openedAt: Date | null;
  lastSeenAt: Date;
  resolvedAt: Date | null;
  resolution: string | null;
}

/** What opens (or touches) an incident. */
export interface IncidentSighting {
  environmentId: string;
  kind: AlertKind;
  subject: string;
  details: Record<string, unknown>;
  at: Date;
  /** When it opens if still live then; at `at` or earlier: open now. */
  dueAt: Date;
  silenced: boolean;
}

/** Query of {@link IncidentStore.list}. */
export interface IncidentQuery {
  /** Only these environments (undefined: all). */
  environmentIds?: string[];
  /** `open`: open now; `recent`: open now or resolved since `since`. */
  state: 'open' | 'recent';
  since: Date;
  limit: number;
}

/**
 * The `alert_incidents` table: at most one pending or open incident per (environment, subject, kind), kept by a
 * partial unique index, so concurrent sightings on two replicas make one. State changes are conditional updates:
 * a notice follows only the caller whose update changed the row.
 */
export interface IncidentStore {
  /** The live (pending or open) incident of the key, if any. */
  live(
    environmentId: string,
    subject: string,
    kind: AlertKind,
  ): Promise<Incident | undefined>;
  /** Every live incident of the environment (`subject`: only that one's). */
  liveOf(environmentId: string, subject?: string): Promise<Incident[]>;
  /** Live incidents of a kind across environments (the sweeps). */
  liveOfKind(kind: AlertKind): Promise<Incident[]>;
  /**
   * Records a sighting: inserts the incident (open when due now, else pending) or, when one is live, counts it and
   * updates its details. `created` when this call inserted it.
   */
  sight(s: IncidentSighting): Promise<{ incident: Incident; created: boolean }>;
  /** Pending -> open; the incident when this call changed it. */
  open(id: string, at: Date): Promise<Incident | undefined>;
  /** Pending incidents due at `now`. */
  due(now: Date): Promise<Incident[]>;
  /** Deletes a pending incident (it cleared before anyone was told); true when this call did. */
  cancel(id: string): Promise<boolean>;
  /** Open -> resolved; the incident as it was when this call changed it. */
  resolve(
    id: string,
    resolution: string,
    at: Date,
  ): Promise<Incident | undefined>;
  /** Updates a live incident's details (merged) and last sighting, without counting. */
  note(id: string, details: Record<string, unknown>, at: Date): Promise<void>;
  list(query: IncidentQuery): Promise<Incident[]>;
}

interface IncidentRow {
  id: string;
  environment_id: string;
  kind: AlertKind;
  subject: string;
  state: IncidentState;
  details: string | null;
  silenced: boolean | number;
  count: number | string;
  started_at: unknown;
  due_at: unknown;
  opened_at: unknown;
  last_seen_at: unknown;
  resolved_at: unknown;
  resolution: string | null;
}

const TABLE = 'alert_incidents';
const LIVE = ['pending', 'open'];

function toIncident(row: IncidentRow): Incident {
  return {
    id: row.id,
    environmentId: row.environment_id,
    kind: row.kind,
    subject: row.subject,
    state: row.state,
    details: readJson<Record<string, unknown>>(row.details, {}),
    silenced: Boolean(row.silenced),
    count: Number(row.count),
    startedAt: parseTimestamp(row.started_at)!,
    dueAt: parseTimestamp(row.due_at),
    openedAt: parseTimestamp(row.opened_at),
    lastSeenAt: parseTimestamp(row.last_seen_at)!,
    resolvedAt: parseTimestamp(row.resolved_at),
    resolution: row.resolution ?? null,
  };
}

/** The knex implementation of {@link IncidentStore}. */
export class DatabaseIncidentStore implements IncidentStore {
  constructor(private readonly db: Knex) {}

  async live(environmentId: string, subject: string, kind: AlertKind) {
    const row: IncidentRow | undefined = await this.db(TABLE)
      .where({ environment_id: environmentId, subject, kind })
      .whereIn('state', LIVE)
      .first();
    return row ? toIncident(row) : undefined;
  }

  async liveOf(environmentId: string, subject?: string) {
    const rows: IncidentRow[] = await this.db(TABLE)
      .where({ environment_id: environmentId })
      .modify(q => {
        if (subject !== undefined) q.where({ subject });
      })
      .whereIn('state', LIVE)
      .orderBy('started_at');
    return rows.map(toIncident);
  }

  async liveOfKind(kind: AlertKind) {
    const rows: IncidentRow[] = await this.db(TABLE)
      .where({ kind })
      .whereIn('state', LIVE);
    return rows.map(toIncident);
  }

  async sight(s: IncidentSighting) {
    for (let attempt = 0; ; attempt++) {
      const current = await this.live(s.environmentId, s.subject, s.kind);
      if (current) {
        const details = { ...current.details, ...s.details };
        await this.db(TABLE)
          .where({ id: current.id })
          .update({
            details: JSON.stringify(details),
            count: this.db.raw('?? + 1', ['count']),
            last_seen_at: s.at,
          });
        return {
          incident: {
            ...current,
            details,
            count: current.count + 1,
            lastSeenAt: s.at,
          },
          created: false,
        };
      }
      const openNow = s.dueAt.getTime() <= s.at.getTime();
      const row = {
        id: randomUUID(),
        environment_id: s.environmentId,
        kind: s.kind,
        subject: s.subject,
        state: openNow ? 'open' : 'pending',
        details: JSON.stringify(s.details),
        silenced: s.silenced,
        count: 1,
        started_at: s.at,
        due_at: openNow ? null : s.dueAt,
        opened_at: openNow ? s.at : null,
        last_seen_at: s.at,
        resolved_at: null,
        resolution: null,
      };
      try {
        // a savepoint: a refused insert leaves a surrounding PostgreSQL transaction usable
        await this.db.transaction(trx => trx(TABLE).insert(row));
        return { incident: toIncident(row as IncidentRow), created: true };
      } catch (error) {
        // another replica inserted the same key first: count this sighting on its row
        if (!isUniqueViolation(error) || attempt > 0) throw error;
      }
    }
  }

  async open(id: string, at: Date) {
    const changed = await this.db(TABLE)
      .where({ id, state: 'pending' })
      .update({ state: 'open', opened_at: at, due_at: null });
    if (changed !== 1) return undefined;
    const row: IncidentRow = await this.db(TABLE).where({ id }).first();
    return toIncident(row);
  }

  async due(now: Date) {
    const rows: IncidentRow[] = await this.db(TABLE)
      .where({ state: 'pending' })
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .limit(500);
    return rows.map(toIncident);
  }

  async cancel(id: string) {
    return (
      (await this.db(TABLE).where({ id, state: 'pending' }).delete()) === 1
    );
  }

  async resolve(id: string, resolution: string, at: Date) {
    const row: IncidentRow | undefined = await this.db(TABLE)
      .where({ id, state: 'open' })
      .first();
    if (!row) return undefined;
    const changed = await this.db(TABLE)
      .where({ id, state: 'open' })
      .update({ state: 'resolved', resolved_at: at, resolution });
    return changed === 1 ? toIncident(row) : undefined;
  }

  async note(id: string, details: Record<string, unknown>, at: Date) {
    const row: IncidentRow | undefined = await this.db(TABLE)
      .where({ id })
      .whereIn('state', LIVE)
      .first();
    if (!row) return;
    await this.db(TABLE)
      .where({ id })
      .update({
        details: JSON.stringify({ ...readJson(row.details, {}), ...details }),
        last_seen_at: at,
      });
  }

  async list(query: IncidentQuery) {
    const rows: IncidentRow[] = await this.db(TABLE)
      .modify(q => {
        if (query.environmentIds)
          q.whereIn('environment_id', query.environmentIds);
        if (query.state === 'open') q.where({ state: 'open' });
        else
          q.where(w =>
            w
              .where({ state: 'open' })
              .orWhere(r =>
                r
                  .where({ state: 'resolved' })
                  .where('resolved_at', '>=', query.since),
              ),
          );
      })
      .orderBy('opened_at', 'desc')
      .orderBy('id')
      .limit(query.limit);
    return rows.map(toIncident);
  }
}
