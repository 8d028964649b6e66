/*
 * `cleanup_required` holds the environment's name: an operation that did not succeed left resources behind (an undo
 * failed, or a call completed after its step gave up on it), so the name stays taken until a DELETE removes them.
 * The partial unique index on the name is recreated with the new status in its list.
 */

const BEFORE = [
  'pending_approval',
  'provisioning',
  'ready',
  'pausing',
  'paused',
  'resuming',
  'deleting',
];
const AFTER = [...BEFORE, 'cleanup_required'];

const inList = values => values.map(v => `'${v}'`).join(', ');

async function nameIndex(knex, statuses) {
  await knex.raw('DROP INDEX IF EXISTS environments_name_held');
  await knex.raw(
    `CREATE UNIQUE INDEX environments_name_held ON environments (name) WHERE status IN (${inList(
      statuses,
    )})`,
  );
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await nameIndex(knex, AFTER);
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  // a cleanup_required record becomes failed again (the status did not exist), freeing the name
  await knex('environments')
    .where({ status: 'cleanup_required' })
    .update({ status: 'failed' });
  await nameIndex(knex, BEFORE);
};
