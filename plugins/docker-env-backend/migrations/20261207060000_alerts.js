/*
 * Alerts (issue 31): the incidents the alert engine opened and closed, and each environment's alert rules. At most
 * one incident per (environment, subject, kind) is pending or open at a time (partial unique index); resolved ones
 * are kept as the recent history that `GET /alerts` shows.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('alert_incidents', table => {
    table.comment(
      'Alert incidents: a container exit, crash loop, unhealthy health check or usage over a threshold',
    );
    table.string('id', 36).primary();
    table.string('environment_id', 36).notNullable().comment('environments.id');
    table
      .string('kind', 32)
      .notNullable()
      .comment('exit | crash_loop | unhealthy | usage');
    table
      .string('subject', 255)
      .notNullable()
      .comment('the container name, or the resource (cpu, memory, disk)');
    table
      .string('state', 16)
      .notNullable()
      .comment('pending (not told yet) | open | resolved');
    table
      .text('details')
      .nullable()
      .comment('JSON: exit code, signal, value, threshold');
    table
      .boolean('silenced')
      .notNullable()
      .defaultTo(false)
      .comment('opened while the rules were silenced: no notices');
    table.integer('count').notNullable().defaultTo(1);
    table.timestamp('started_at', { useTz: true }).notNullable();
    table
      .timestamp('due_at', { useTz: true })
      .nullable()
      .comment('pending: when it opens');
    table.timestamp('opened_at', { useTz: true }).nullable();
    table.timestamp('last_seen_at', { useTz: true }).notNullable();
    table.timestamp('resolved_at', { useTz: true }).nullable();
    table.text('resolution').nullable();
    table.index(['environment_id', 'state'], 'alert_incidents_environment_idx');
    table.index(['state', 'due_at'], 'alert_incidents_due_idx');
    table.index(['resolved_at'], 'alert_incidents_resolved_idx');
  });
  await knex.raw(
    "CREATE UNIQUE INDEX alert_incidents_live ON alert_incidents (environment_id, subject, kind) WHERE state IN ('pending', 'open')",
  );
  await knex.schema.createTable('alert_rules', table => {
    table.comment('The alert rules of an environment, as its owner set them');
    table.string('environment_id', 36).primary().comment('environments.id');
    table
      .text('rules')
      .notNullable()
      .comment('JSON: the rules without the silence');
    table.timestamp('silenced_until', { useTz: true }).nullable();
    table.string('updated_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('alert_rules');
  await knex.schema.dropTable('alert_incidents');
};
