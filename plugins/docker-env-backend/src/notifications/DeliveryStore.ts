import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { parseTimestamp, readJson } from '../store/rows';

/** A delivery to put in the outbox: one channel, one recipient, what to send. */
export interface NewDelivery {
  environmentId: string | null;
  operationId: string | null;
  channel: 'notification' | 'webhook';
  event: string;
  /** Entity ref (notification) or URL (webhook). */
  recipient: string;
  /** What to send (the notice, as JSON); null for a record of a delivery that is not sent from the outbox. */
  payload?: unknown;
}

/** A delivery in the outbox and its outcome so far. */
export interface Delivery extends NewDelivery {
  id: number;
  /** Stable id of the delivery: the same on every attempt, sent to webhook receivers for deduplication. */
  deliveryId: string;
  /** `pending` (due at `nextAttemptAt`), `delivered` or `failed` (given up). */
  status: string;
  attempts: number;
  error: string | null;
  nextAttemptAt: Date | null;
}

/** The final outcome of a delivery. */
export interface DeliveryOutcome {
  status: 'delivered' | 'failed';
  attempts: number;
  error?: string;
}

/**
 * The `deliveries` table, the notifications outbox: rows written in the transaction of the change that causes them,
 * claimed under a lease by a sender, retried until delivered or given up.
 */
export interface DeliveryStore {
  /** Puts a delivery in the outbox, pending and due now; returns its row id. */
  insert(input: NewDelivery): Promise<number>;
  /**
   * Claims up to `limit` pending deliveries due at `now` that no live lease holds, for `leaseMs`; a row is claimed
   * by one caller only (the update is conditional on the lease it read).
   */
  claimDue(options: {
    now: Date;
    leaseMs: number;
    limit: number;
  }): Promise<Delivery[]>;
  /** Records a failed attempt and when to try again; frees the lease. */
  retryLater(
    id: number,
    attempt: { attempts: number; error: string; nextAttemptAt: Date },
  ): Promise<void>;
  /** Records the final outcome of a delivery. */
  finish(id: number, outcome: DeliveryOutcome): Promise<void>;
  /** The environment's deliveries, oldest first. */
  list(environmentId: string): Promise<Delivery[]>;
}

interface DeliveryRow {
  id: number | string;
  delivery_id: string;
  environment_id: string | null;
  operation_id: string | null;
  channel: NewDelivery['channel'];
  event: string;
  recipient: string;
  payload: string | null;
  status: string;
  attempts: number | string;
  error: string | null;
  next_attempt_at: unknown;
}

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: Number(row.id),
    deliveryId: row.delivery_id,
    environmentId: row.environment_id,
    operationId: row.operation_id ?? null,
    channel: row.channel,
    event: row.event,
    recipient: row.recipient,
    payload: readJson<unknown>(row.payload, null),
    status: row.status,
    attempts: Number(row.attempts),
    error: row.error ?? null,
    nextAttemptAt: parseTimestamp(row.next_attempt_at),
  };
}

const TABLE = 'deliveries';

/** The knex implementation of {@link DeliveryStore}, on a connection or a transaction. */
export class DatabaseDeliveryStore implements DeliveryStore {
  constructor(private readonly db: Knex) {}

  async insert(input: NewDelivery): Promise<number> {
    const now = new Date();
    const [inserted] = await this.db(TABLE).insert(
      {
        delivery_id: randomUUID(),
        environment_id: input.environmentId,
        operation_id: input.operationId,
        channel: input.channel,
        event: input.event,
        recipient: input.recipient,
        payload:
          input.payload === undefined ? null : JSON.stringify(input.payload),
        status: 'pending',
        attempts: 0,
        error: null,
        created_at: now,
        next_attempt_at: now,
        claimed_until: null,
        ended_at: null,
      },
      ['id'],
    );
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  async claimDue(options: {
    now: Date;
    leaseMs: number;
    limit: number;
  }): Promise<Delivery[]> {
    const { now } = options;
    const free = (q: Knex.QueryBuilder) =>
      q.whereNull('claimed_until').orWhere('claimed_until', '<=', now);
    const rows: DeliveryRow[] = await this.db(TABLE)
      .where({ status: 'pending' })
      .where('next_attempt_at', '<=', now)
      .where(free)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(options.limit);
    const claimed: Delivery[] = [];
    for (const row of rows) {
      const taken = await this.db(TABLE)
        .where({ id: row.id, status: 'pending' })
        .where(free)
        .update({ claimed_until: new Date(now.getTime() + options.leaseMs) });
      if (taken === 1) claimed.push(toDelivery(row));
    }
    return claimed;
  }

  async retryLater(
    id: number,
    attempt: { attempts: number; error: string; nextAttemptAt: Date },
  ): Promise<void> {
    await this.db(TABLE).where({ id }).update({
      attempts: attempt.attempts,
      error: attempt.error,
      next_attempt_at: attempt.nextAttemptAt,
      claimed_until: null,
    });
  }

  async finish(id: number, outcome: DeliveryOutcome): Promise<void> {
    await this.db(TABLE)
      .where({ id })
      .update({
        status: outcome.status,
        attempts: outcome.attempts,
        error: outcome.error ?? null,
        next_attempt_at: null,
        claimed_until: null,
        ended_at: new Date(),
      });
  }

  async list(environmentId: string): Promise<Delivery[]> {
    const rows: DeliveryRow[] = await this.db(TABLE)
      .where({ environment_id: environmentId })
      .orderBy('id');
    return rows.map(toDelivery);
  }
}
