import type { Knex } from 'knex';

/** A delivery (notification or webhook) as recorded. */
export interface NewDelivery {
  environmentId: string | null;
  operationId: string | null;
  channel: 'notification' | 'webhook';
  event: string;
  recipient: string;
}

/** A recorded delivery and its outcome so far. */
export interface Delivery extends NewDelivery {
  id: number;
  status: string;
  attempts: number;
  error: string | null;
}

/** The outcome of a delivery. */
export interface DeliveryOutcome {
  status: 'delivered' | 'failed';
  attempts: number;
  error?: string;
}

/** The `deliveries` table: each notification and webhook delivery series, with its outcome. */
export interface DeliveryStore {
  /** Records a delivery as pending; returns its id. */
  insert(input: NewDelivery): Promise<number>;
  /** Records the outcome of a delivery. */
  finish(id: number, outcome: DeliveryOutcome): Promise<void>;
  /** The environment's deliveries, oldest first. */
  list(environmentId: string): Promise<Delivery[]>;
}

interface DeliveryRow {
  id: number | string;
  environment_id: string | null;
  operation_id: string | null;
  channel: NewDelivery['channel'];
  event: string;
  recipient: string;
  status: string;
  attempts: number | string;
  error: string | null;
}

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: Number(row.id),
    environmentId: row.environment_id,
    operationId: row.operation_id ?? null,
    channel: row.channel,
    event: row.event,
    recipient: row.recipient,
    status: row.status,
    attempts: Number(row.attempts),
    error: row.error ?? null,
  };
}

const TABLE = 'deliveries';

/** The knex implementation of {@link DeliveryStore}, on a connection or a transaction. */
export class DatabaseDeliveryStore implements DeliveryStore {
  constructor(private readonly db: Knex) {}

  async insert(input: NewDelivery): Promise<number> {
    const [inserted] = await this.db(TABLE).insert(
      {
        environment_id: input.environmentId,
        operation_id: input.operationId,
        channel: input.channel,
        event: input.event,
        recipient: input.recipient,
        status: 'pending',
        attempts: 0,
        error: null,
        created_at: new Date(),
        ended_at: null,
      },
      ['id'],
    );
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  async finish(id: number, outcome: DeliveryOutcome): Promise<void> {
    await this.db(TABLE)
      .where({ id })
      .update({
        status: outcome.status,
        attempts: outcome.attempts,
        error: outcome.error ?? null,
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
