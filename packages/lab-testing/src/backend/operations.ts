import { Knex } from 'knex';

/** Polls `operations` until the operation has ended in `status` (fails naming the outcome it got or the timeout). */
export async function waitForOperation(
  knex: Knex,
  id: string,
  status: 'succeeded' | 'failed' | 'rolled_back',
  timeoutMs = 20_000,
): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await knex('operations').where({ id }).first();
    if (row?.ended_at) {
      if (row.status === status) return row;
      throw new Error(
        `operation ${id} ended ${row.status} (${row.error}), not ${status}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(
        `operation ${id} still ${row?.status} after ${timeoutMs} ms`,
      );
    await new Promise(r => setTimeout(r, 50));
  }
}
