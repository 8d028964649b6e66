/*
 * Deployment tokens: one row per token, scoped to one environment. Only a hash of the token is stored (HMAC-SHA256
 * under the configured secret, or scrypt with a per-token salt); the token itself is shown once, at creation.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('deploy_tokens', table => {
    table.comment('Deployment tokens (hashed), each scoped to one environment');
    table.string('id', 36).primary().notNullable();
    table
      .string('environment_id', 36)
      .notNullable()
      .references('id')
      .inTable('environments')
      .onDelete('CASCADE');
    table.string('description', 256).notNullable().defaultTo('');
    table
      .string('hash', 512)
      .notNullable()
      .comment('hmac-sha256$<hex> or scrypt$<salt>$<hex>; never the token');
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).nullable();
    table.timestamp('last_used_at', { useTz: true }).nullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
    table.string('revoked_by', 255).nullable();
    table.index(['environment_id'], 'deploy_tokens_environment_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('deploy_tokens');
};
