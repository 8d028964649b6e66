import type { Knex } from 'knex';

/** Polls `probe` every 25 ms until it answers something; fails naming `what` after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise(r => setTimeout(r, 25));
  }
}

/** The recorded status of one step of an operation. */
export async function stepStatus(
  db: Knex,
  operationId: string,
  step: string,
): Promise<string | undefined> {
  const row = await db('operation_steps')
    .where({ operation_id: operationId, name: step })
    .first();
  return row?.status;
}
