/*
 * Idempotency keys expire (issue 22): 24 hours after the operation their answer started ended, never while it is
 * queued or running (the scaffolder sends the same task id again after a restart). The key names its environment and
 * operation; `expires_at` is set when that operation ends (or when a held request is rejected), and stays null until
 * then. Keys from before are kept one more day.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('idempotency_keys', table => {
    table.string('environment_id', 36).nullable();
    table.string('operation_id', 36).nullable();
    table
      .timestamp('expires_at', { useTz: true })
      .nullable()
      .comment('Null while the operation is queued or running');
    table.index(['operation_id'], 'idempotency_keys_operation_idx');
    table.index(['environment_id'], 'idempotency_keys_environment_idx');
    table.index(['expires_at'], 'idempotency_keys_expires_idx');
  });
  await knex('idempotency_keys').update({
    expires_at: new Date(Date.now() + 24 * 3600 * 1000),
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('idempotency_keys', table => {
    table.dropIndex(['operation_id'], 'idempotency_keys_operation_idx');
    table.dropIndex(['environment_id'], 'idempotency_keys_environment_idx');
    table.dropIndex(['expires_at'], 'idempotency_keys_expires_idx');
  });
  await knex.schema.alterTable('idempotency_keys', table => {
    table.dropColumn('expires_at');
    table.dropColumn('operation_id');
    table.dropColumn('environment_id');
  });
};
