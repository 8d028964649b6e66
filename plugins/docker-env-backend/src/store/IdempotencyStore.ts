import type { Knex } from 'knex';
import { parseTimestamp, readJson } from './rows';
import type { IdempotentAnswer } from './types';

/** How long a key outlives the operation its answer started. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

const TABLE = 'idempotency_keys';

/**
 * The `idempotency_keys` table: the answer to each request sent with an `Idempotency-Key`, per caller (reached through
 * `DockerEnvStore.getIdempotentAnswer` and `saveIdempotentAnswer`, inside the request's transaction). A key expires
 * {@link IDEMPOTENCY_KEY_TTL_MS} after its operation ended (`expireAfter`); while the operation is queued or running
 * it holds.
 */
export class DatabaseIdempotencyStore {
  constructor(private readonly db: Knex) {}

  /** The stored answer, unless the key expired (an expired key is dropped: the request is new again). */
  async get(
    actor: string,
    key: string,
    now: Date = new Date(),
  ): Promise<IdempotentAnswer | undefined> {
    const row = await this.db(TABLE)
      .where({ actor, idempotency_key: key })
      .first();
    if (!row) return undefined;
    const expires = parseTimestamp(row.expires_at);
    if (expires && expires.getTime() <= now.getTime()) {
      await this.db(TABLE).where({ actor, idempotency_key: key }).delete();
      return undefined;
    }
    return {
      requestHash: row.request_hash,
      statusCode: Number(row.status_code),
      response: readJson(row.response, null),
    };
  }

  async save(
    actor: string,
    key: string,
    answer: IdempotentAnswer,
  ): Promise<void> {
    const response = answer.response as {
      environment?: { id?: string };
      operation?: { id?: string };
    } | null;
    await this.db(TABLE).insert({
      actor,
      idempotency_key: key,
      request_hash: answer.requestHash,
      status_code: answer.statusCode,
      response: JSON.stringify(answer.response),
      environment_id: response?.environment?.id ?? null,
      operation_id: response?.operation?.id ?? null,
      expires_at: null,
      created_at: new Date(),
    });
  }

  /**
   * Sets the keys of an ended operation to expire {@link IDEMPOTENCY_KEY_TTL_MS} after `endedAt`: those naming it,
   * and those of its environment that named no operation (held for approval, then approved or rejected).
   */
  async expireAfter(
    ended: { environmentId: string; operationId: string | null },
    endedAt: Date,
  ): Promise<void> {
    const expiresAt = new Date(endedAt.getTime() + IDEMPOTENCY_KEY_TTL_MS);
    await this.db(TABLE)
      .whereNull('expires_at')
      .andWhere(q => {
        if (ended.operationId) q.where({ operation_id: ended.operationId });
        q.orWhere(held =>
          held
            .where({ environment_id: ended.environmentId })
            .whereNull('operation_id'),
        );
      })
      .update({ expires_at: expiresAt });
  }

  /** Deletes the keys expired at `now`; answers how many. */
  async sweep(now: Date): Promise<number> {
    return this.db(TABLE).where('expires_at', '<=', now).delete();
  }
}
