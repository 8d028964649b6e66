/*
 * Expiry warnings: one row per warning sent (7 days, 1 day) for one expiry date, so a rerun of the expiry task never
 * repeats a warning and an extended environment is warned again for its new date.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('expiry_warnings', table => {
    table.comment('Expiry warnings sent to owners, one per warning and date');
    table
      .string('environment_id', 36)
      .notNullable()
      .references('id')
      .inTable('environments')
      .onDelete('CASCADE');
    table.string('expires_on', 10).notNullable().comment('YYYY-MM-DD');
    table.string('warning', 8).notNullable().comment('7d or 1d');
    table.timestamp('sent_at', { useTz: true }).notNullable();
    table.primary(['environment_id', 'expires_on', 'warning']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('expiry_warnings');
};
