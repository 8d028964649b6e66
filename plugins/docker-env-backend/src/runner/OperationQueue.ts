import type { Knex } from 'knex';
import {
  OperationClaim,
  OperationEndedHook,
  OperationRecord,
  OperationStepRecord,
  OperationStepStatus,
} from './types';

/** Thrown by a write when this runner no longer holds the operation's claim (its lease expired and another took it). */
export class LostClaimError extends Error {
  name = 'LostClaimError';
  constructor(operationId: string) {
    super(`the claim on operation ${operationId} was lost`);
  }
}

/** Options of {@link OperationQueue}. */
export interface OperationQueueOptions {
  /** Who claims: unique per runner instance (a backend replica, or a restart of one). */
  ownerId: string;
  /** How long a claim lasts without a heartbeat; another runner takes the operation over after it. */
  leaseMs: number;
  /** The clock, replaceable in tests. */
  now?: () => Date;
}

type Row = Record<string, any>;

/**
 * The operations and their steps in the backend plugin's database, as the runner sees them: claims with a lease,
 * step records before and after each step, and the end of an operation. Every write after the claim is fenced by the
 * claim (owner and attempt), so it is correct with several backend replicas on one PostgreSQL as well as on SQLite.
 */
export class OperationQueue {
  readonly ownerId: string;
  readonly leaseMs: number;
  private readonly now: () => Date;

  constructor(private readonly db: Knex, options: OperationQueueOptions) {
    this.ownerId = options.ownerId;
    this.leaseMs = options.leaseMs;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Claims the oldest operation that is queued or whose claim expired, or returns undefined when there is none.
   * A compare-and-set `UPDATE` per candidate decides between racing runners: exactly one of them changes the row.
   */
  async claimNext(): Promise<OperationClaim | undefined> {
    for (let round = 0; round < 3; round++) {
      const now = this.now();
      const candidates: Row[] = await this.db('operations')
        .select('id')
        .where(q => this.claimable(q, now))
        .orderBy('created_at')
        .orderBy('id')
        .limit(10);
      for (const { id } of candidates) {
        const claim = await this.tryClaim(id, now);
        if (claim) return claim;
      }
      if (candidates.length === 0) return undefined;
    }
    return undefined;
  }

  /** Claims one given operation if it is queued or its claim expired. */
  async tryClaim(
    operationId: string,
    now: Date = this.now(),
  ): Promise<OperationClaim | undefined> {
    const changed = await this.db('operations')
      .where('id', operationId)
      .andWhere(q => this.claimable(q, now))
      .update({
        status: 'running',
        claimed_by: this.ownerId,
        claim_expires_at: this.expiry(now),
        attempts: this.db.raw('attempts + 1'),
        started_at: this.db.raw('coalesce(started_at, ?)', [now]),
      });
    if (changed !== 1) return undefined;
    const row: Row | undefined = await this.db('operations')
      .where({ id: operationId, claimed_by: this.ownerId })
      .first();
    if (!row) return undefined;
    const operation = toOperation(row);
    return { operation, ownerId: this.ownerId, attempts: operation.attempts };
  }

  /** The operation's recorded steps in order. */
  async steps(operationId: string): Promise<OperationStepRecord[]> {
    const rows: Row[] = await this.db('operation_steps')
      .where('operation_id', operationId)
      .orderBy('position');
    return rows.map(toStep);
  }

  /** Records the planned steps as `pending` (once: a resumed operation keeps its records) and returns the records. */
  async plan(
    claim: OperationClaim,
    names: string[],
  ): Promise<OperationStepRecord[]> {
    return this.db.transaction(async tx => {
      await this.fence(tx, claim);
      const existing: Row[] = await tx('operation_steps')
        .where('operation_id', claim.operation.id)
        .orderBy('position');
      if (existing.length > 0) return existing.map(toStep);
      const rows = names.map((name, position) => ({
        operation_id: claim.operation.id,
        position,
        name,
        status: 'pending',
        facts: '{}',
      }));
      if (rows.length > 0) await tx('operation_steps').insert(rows);
      return (
        await tx('operation_steps')
          .where('operation_id', claim.operation.id)
          .orderBy('position')
      ).map(toStep);
    });
  }

  /** Records a step's new status (with its facts, error and times); fenced by the claim. */
  async updateStep(
    claim: OperationClaim,
    position: number,
    change: {
      status: OperationStepStatus;
      facts?: Record<string, unknown>;
      error?: string | null;
      started?: boolean;
      ended?: boolean;
    },
  ): Promise<void> {
    const now = this.now();
    await this.db.transaction(async tx => {
      await this.fence(tx, claim);
      await tx('operation_steps')
        .where({ operation_id: claim.operation.id, position })
        .update({
          status: change.status,
          ...(change.facts !== undefined && {
            facts: JSON.stringify(change.facts),
          }),
          ...(change.error !== undefined && { error: change.error }),
          ...(change.started && { started_at: now, ended_at: null }),
          ...(change.ended && { ended_at: now }),
        });
    });
  }

  /** Records why the operation is being rolled back, before the undo starts, so a resumed runner continues the undo. */
  async recordFailure(
    claim: OperationClaim,
    failedStep: string | null,
    error: string,
  ): Promise<void> {
    await this.db.transaction(async tx => {
      await this.fence(tx, claim, { failed_step: failedStep, error });
    });
    claim.operation.failedStep = failedStep;
    claim.operation.error = error;
  }

  /** Extends the lease; throws {@link LostClaimError} when another runner took the operation over. */
  async heartbeat(claim: OperationClaim): Promise<void> {
    await this.fence(this.db, claim);
  }

  /** Gives the claim up at once (on shutdown), so another runner resumes the operation without waiting for the lease. */
  async release(claim: OperationClaim): Promise<void> {
    await this.db('operations')
      .where({
        id: claim.operation.id,
        claimed_by: this.ownerId,
        attempts: claim.attempts,
        status: 'running',
      })
      .update({ claim_expires_at: new Date(this.now().getTime() - 1) });
  }

  /**
   * Ends the operation and, in the same transaction, calls `onEnded` so the environment record moves on with it.
   * Steps never reached are marked `skipped`.
   */
  async finish(
    claim: OperationClaim,
    outcome: {
      status: 'succeeded' | 'failed' | 'rolled_back';
      result?: Record<string, unknown>;
      error?: string | null;
      failedStep?: string | null;
    },
    onEnded?: OperationEndedHook,
  ): Promise<OperationRecord> {
    const now = this.now();
    return this.db.transaction(async tx => {
      await this.fence(tx, claim, {
        status: outcome.status,
        result:
          outcome.result === undefined ? null : JSON.stringify(outcome.result),
        ...(outcome.error !== undefined && { error: outcome.error }),
        ...(outcome.failedStep !== undefined && {
          failed_step: outcome.failedStep,
        }),
        ended_at: now,
        claim_expires_at: null,
      });
      await tx('operation_steps')
        .where({ operation_id: claim.operation.id, status: 'pending' })
        .update({ status: 'skipped' });
      const operation = toOperation(
        await tx('operations').where('id', claim.operation.id).first(),
      );
      if (onEnded) await onEnded(operation, tx);
      return operation;
    });
  }

  private claimable(q: Knex.QueryBuilder, now: Date) {
    return q
      .where('status', 'queued')
      .orWhere(expired =>
        expired
          .where('status', 'running')
          .andWhere(lease =>
            lease
              .whereNull('claim_expires_at')
              .orWhere('claim_expires_at', '<', now),
          ),
      );
  }

  private expiry(now: Date) {
    return new Date(now.getTime() + this.leaseMs);
  }

  /** Extends the lease (plus any other change to the operation row), or throws when the claim is no longer ours. */
  private async fence(
    db: Knex | Knex.Transaction,
    claim: OperationClaim,
    change: Row = {},
  ) {
    const changed = await db('operations')
      .where({
        id: claim.operation.id,
        claimed_by: this.ownerId,
        attempts: claim.attempts,
        status: 'running',
      })
      .update({ claim_expires_at: this.expiry(this.now()), ...change });
    if (changed !== 1) throw new LostClaimError(claim.operation.id);
  }
}

function toOperation(row: Row): OperationRecord {
  return {
    id: row.id,
    environmentId: row.environment_id,
    kind: row.kind,
    status: row.status,
    input: parseJson(row.input) ?? {},
    result: parseJson(row.result),
    error: row.error ?? null,
    failedStep: row.failed_step ?? null,
    requestedBy: row.requested_by,
    createdAt: toDate(row.created_at)!,
    startedAt: toDate(row.started_at),
    endedAt: toDate(row.ended_at),
    claimedBy: row.claimed_by ?? null,
    claimExpiresAt: toDate(row.claim_expires_at),
    attempts: Number(row.attempts ?? 0),
  };
}

function toStep(row: Row): OperationStepRecord {
  return {
    position: Number(row.position),
    name: row.name,
    status: row.status,
    startedAt: toDate(row.started_at),
    endedAt: toDate(row.ended_at),
    facts: parseJson(row.facts) ?? {},
    error: row.error ?? null,
  };
}

function parseJson(value: unknown): Record<string, any> | null {
  if (value === null || value === undefined || value === '') return null;
  return typeof value === 'string'
    ? JSON.parse(value)
    : (value as Record<string, any>);
}

/** PostgreSQL returns `Date`s; SQLite returns what was stored: epoch milliseconds for a bound `Date`, text for `now()`. */
function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  const text = String(value);
  if (/^\d+$/.test(text)) return new Date(Number(text));
  return new Date(
    /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`,
  );
}
