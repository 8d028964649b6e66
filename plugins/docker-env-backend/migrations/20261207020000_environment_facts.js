/*
 * The environment row carries the facts its operations learnt (issue 22): from now on each succeeded operation merges
 * its result into `environments.facts` in the transaction that ends it, so queuing an operation reads one row instead
 * of every operation. This fills the column for the environments already there, merging their succeeded operations'
 * results oldest first (what was computed on every request before).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const rows = await knex('operations')
    .where({ status: 'succeeded' })
    .whereNotNull('result')
    .orderBy([{ column: 'created_at' }, { column: 'id' }])
    .select('environment_id', 'result');
  const facts = new Map();
  for (const row of rows) {
    const result = row.result ? JSON.parse(row.result) : {};
    facts.set(row.environment_id, {
      ...(facts.get(row.environment_id) ?? {}),
      ...result,
    });
  }
  for (const [id, merged] of facts) {
    await knex('environments')
      .where({ id })
      .update({ facts: JSON.stringify(merged) });
  }
};

/**
 * The column stays (it predates this migration); only the provision result it held before is not restored.
 *
 * @param {import('knex').Knex} _knex
 */
exports.down = async function down(_knex) {};
