import type { Knex } from 'knex';
import { readJson } from './rows';
import type { IdempotentAnswer } from './types';

/**
 * The `idempotency_keys` table: the answer to each request sent with an `Idempotency-Key`, per caller (reached through
 * `DockerEnvStore.getIdempotentAnswer` and `saveIdempotentAnswer`, inside the request's transaction).
 */
export class DatabaseIdempotencyStore {
  constructor(private readonly db: Knex) {}

  async get(actor: string, key: string): Promise<IdempotentAnswer | undefined> {
    const row = await this.db('idempotency_keys')
      .where({ actor, idempotency_key: key })
      .first();
    if (!row) return undefined;
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
    await this.db('idempotency_keys').insert({
      actor,
      idempotency_key: key,
      request_hash: answer.requestHash,
      status_code: answer.statusCode,
      response: JSON.stringify(answer.response),
      created_at: new Date(),
    });
  }
}
