/*
 * Quotas and approvals: per-owner quota overrides (and the stored default), and the approval requests of
 * environments created over quota.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('quotas', table => {
    table.comment(
      'Quota per owner entity ref; the row "default" holds the defaults set through the API',
    );
    table
      .string('owner', 255)
      .primary()
      .notNullable()
      .comment('Owner entity ref, or "default"');
    table.integer('cpu_cores').notNullable();
    table.integer('memory_mb').notNullable();
    table.integer('disk_gb').notNullable();
    table.integer('environments').notNullable();
    table.integer('containers').notNullable();
    table.string('updated_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('approval_requests', table => {
    table.comment(
      'Environments requested over quota, awaiting or after an admin decision',
    );
    table.string('id', 36).primary().notNullable();
    table
      .string('environment_id', 36)
      .notNullable()
      .references('id')
      .inTable('environments')
      .onDelete('CASCADE');
    table.string('owner', 255).notNullable();
    table.string('requested_by', 255).notNullable();
    table
      .string('status', 32)
      .notNullable()
      .comment('pending, approved, rejected');
    table
      .text('quota_reason')
      .notNullable()
      .comment('Which quota the request exceeds');
    table.string('decided_by', 255).nullable();
    table.text('decision_reason').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('decided_at', { useTz: true }).nullable();
    table.index(['status', 'created_at'], 'approval_requests_status_idx');
    table.index(['environment_id'], 'approval_requests_environment_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('approval_requests');
  await knex.schema.dropTable('quotas');
};
