/*
 * Routes from container labels: one row per container of an environment that the label-route subscriber has seen,
 * with when it was first seen (a conflict on a host or path goes to the container seen first, then the lower id, so
 * a watcher restart never flips ownership), what it claims, whether its route is written, and the problem last
 * reported to the owner (each reported once per container and label values).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('label_routes', table => {
    table.comment('Routes asked for by container labels (docker-env.route.*)');
    table.string('environment_id', 36).notNullable().comment('environments.id');
    table.string('container_id', 128).notNullable();
    table.string('container_name', 255).notNullable();
    table
      .timestamp('first_seen_at', { useTz: true })
      .notNullable()
      .comment('created event time, else when first seen: decides conflicts');
    table
      .string('claim', 300)
      .nullable()
      .comment('host:<label> or path:<prefix> the labels ask for');
    table
      .string('state', 16)
      .notNullable()
      .comment('none | routed | stopped | refused | conflict | unrouted');
    table.string('route_id', 255).nullable().comment('the route file written');
    table.text('problem').nullable().comment('why it is not routed');
    table
      .string('reported_key', 1024)
      .nullable()
      .comment('label values and problem last reported to the owner');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['environment_id', 'container_id']);
    table.index(['environment_id', 'claim'], 'label_routes_claim_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('label_routes');
};
