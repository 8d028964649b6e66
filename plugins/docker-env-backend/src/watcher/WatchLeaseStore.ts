import type { Knex } from 'knex';
import { parseTimestamp } from '../store/rows';

const LEASES = 'watch_leases';
/** Bound parameters per statement, under SQLite's limit. */
const CHUNK = 500;

/** One environment's watch lease. */
export interface WatchLease {
  environmentId: string;
  /** The replica that holds (or last held) it. */
  owner: string;
  expiresAt: Date;
  /** +1 each time another replica took it over. */
  generation: number;
  /** Time (Unix ms) of the last event handled, where a successor resumes the stream; null before the first event. */
  cursorMs: number | null;
}

/**
 * The container watchers' leases (`watch_leases`): exactly one live holder per environment, taken by compare-and-set
 * (a row that is free, expired, or already the caller's), extended by its holder, given up on shutdown.
 */
export interface WatchLeaseStore {
  /** Takes the leases of `environmentIds` that are free at `now` (or the owner's); the leases the owner now holds. */
  acquire(
    owner: string,
    environmentIds: string[],
    now: Date,
    expiresAt: Date,
  ): Promise<WatchLease[]>;
  /**
   * Extends the owner's leases (an expired one nobody took yet is extended too) and records the cursors given (null:
   * keep the stored one); the ids the owner still holds.
   */
  renew(
    owner: string,
    cursors: Map<string, number | null>,
    now: Date,
    expiresAt: Date,
  ): Promise<string[]>;
  /** Gives the owner's leases up (they expire at once); the cursors given (null: keep) stay for the next holder. */
  release(
    owner: string,
    cursors: Map<string, number | null>,
    now: Date,
  ): Promise<void>;
  /** How many live leases each replica holds at `now`. */
  holders(now: Date): Promise<Record<string, number>>;
}

interface LeaseRow {
  environment_id: string;
  owner: string;
  expires_at: unknown;
  generation: number;
  cursor_ms: number | string | null;
}

function toLease(row: LeaseRow): WatchLease {
  return {
    environmentId: row.environment_id,
    owner: row.owner,
    expiresAt: parseTimestamp(row.expires_at)!,
    generation: Number(row.generation),
    cursorMs: row.cursor_ms === null ? null : Number(row.cursor_ms),
  };
}

function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK)
    out.push(list.slice(i, i + CHUNK));
  return out;
}

/** The knex {@link WatchLeaseStore}, on SQLite and PostgreSQL. */
export class DatabaseWatchLeaseStore implements WatchLeaseStore {
  constructor(private readonly db: Knex) {}

  async acquire(
    owner: string,
    environmentIds: string[],
    now: Date,
    expiresAt: Date,
  ): Promise<WatchLease[]> {
    const held: WatchLease[] = [];
    for (const ids of chunks(environmentIds)) {
      await this.db(LEASES)
        .insert(
          ids.map(id => ({
            environment_id: id,
            owner,
            expires_at: expiresAt,
            generation: 1,
            cursor_ms: null,
          })),
        )
        .onConflict('environment_id')
        .ignore();
      // the compare-and-set: only a free, expired or own row changes hands; PostgreSQL re-checks the condition on
      // a row another replica updated first, so two replicas never both match
      await this.db(LEASES)
        .whereIn('environment_id', ids)
        .andWhere(free =>
          free.where('owner', owner).orWhere('expires_at', '<', now),
        )
        .update({
          expires_at: expiresAt,
          generation: this.db.raw(
            'generation + (CASE WHEN owner = ? THEN 0 ELSE 1 END)',
            [owner],
          ),
          owner,
        });
      const rows: LeaseRow[] = await this.db(LEASES)
        .whereIn('environment_id', ids)
        .where({ owner })
        .andWhere('expires_at', '>=', now);
      held.push(...rows.map(toLease));
    }
    return held;
  }

  async renew(
    owner: string,
    cursors: Map<string, number | null>,
    now: Date,
    expiresAt: Date,
  ): Promise<string[]> {
    const ids = [...cursors.keys()];
    // extend first (only rows still the owner's change), then read back which those were
    await this.write(owner, cursors, ids, expiresAt);
    const still: string[] = [];
    for (const part of chunks(ids)) {
      const rows: Array<{ environment_id: string }> = await this.db(LEASES)
        .whereIn('environment_id', part)
        .where({ owner })
        .andWhere('expires_at', '>=', now)
        .select('environment_id');
      still.push(...rows.map(r => r.environment_id));
    }
    return still;
  }

  async release(
    owner: string,
    cursors: Map<string, number | null>,
    now: Date,
  ): Promise<void> {
    await this.write(
      owner,
      cursors,
      [...cursors.keys()],
      new Date(now.getTime() - 1),
    );
  }

  async holders(now: Date): Promise<Record<string, number>> {
    const rows: Array<{ owner: string; n: number | string }> = await this.db(
      LEASES,
    )
      .where('expires_at', '>=', now)
      .groupBy('owner')
      .select('owner')
      .count({ n: '*' });
    return Object.fromEntries(rows.map(r => [r.owner, Number(r.n)]));
  }

  /** Sets `expires_at` (and each row's cursor when known) on the owner's rows among `ids`, one statement per cursor group. */
  private async write(
    owner: string,
    cursors: Map<string, number | null>,
    ids: string[],
    expiresAt: Date,
  ) {
    const withCursor = ids.filter(id => typeof cursors.get(id) === 'number');
    const without = ids.filter(id => typeof cursors.get(id) !== 'number');
    for (const part of chunks(without))
      await this.db(LEASES)
        .whereIn('environment_id', part)
        .where({ owner })
        .update({ expires_at: expiresAt });
    if (withCursor.length === 0) return;
    await this.db.transaction(async trx => {
      for (const id of withCursor)
        await trx(LEASES)
          .where({ environment_id: id, owner })
          .update({ expires_at: expiresAt, cursor_ms: cursors.get(id) });
    });
  }
}
