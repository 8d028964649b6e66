/*
 * Container watcher leases: one row per watched environment, held by one replica at a time (compare-and-set on
 * `owner` and `expires_at`), with the time of the last event it handled, so a replica that takes the environment
 * over asks the engine for the events since then. An index on `operations.ended_at` serves the watcher's
 * "operations that ended lately" query (portal-made changes).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('watch_leases', table => {
    table.comment('Which replica watches the Docker events of an environment');
    table.string('environment_id', 36).primary().comment('environments.id');
    table.string('owner', 255).notNullable().comment('the replica id');
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table
      .integer('generation')
      .notNullable()
      .defaultTo(1)
      .comment('+1 each time another replica takes the lease');
    table
      .bigInteger('cursor_ms')
      .nullable()
      .comment('time (Unix ms) of the last event handled');
    table.index(['owner', 'expires_at'], 'watch_leases_owner_idx');
  });
  await knex.schema.alterTable('operations', table => {
    table.index(['ended_at'], 'operations_ended_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('operations', table => {
    table.dropIndex(['ended_at'], 'operations_ended_idx');
  });
  await knex.schema.dropTable('watch_leases');
};
