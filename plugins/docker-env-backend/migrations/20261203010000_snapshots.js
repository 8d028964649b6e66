/*
 * Snapshot metadata and final backups. Proxmox keeps the snapshots and backup archives; these tables keep who made
 * them, through which operation, when they go (and why), so the list can tell portal snapshots from ones made
 * outside and the retention task can record what it removed.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('snapshots', table => {
    table.comment('Snapshots made through the portal, one row per name');
    table.string('id', 36).primary().notNullable();
    table
      .string('environment_id', 36)
      .notNullable()
      .references('id')
      .inTable('environments')
      .onDelete('CASCADE');
    table.string('name', 40).notNullable().comment('the Proxmox snapshot name');
    table.text('description').notNullable().defaultTo('');
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table
      .string('operation_id', 36)
      .nullable()
      .comment('the snapshot_create operation');
    table.timestamp('rolled_back_at', { useTz: true }).nullable();
    table.string('rolled_back_by', 255).nullable();
    table.timestamp('deleted_at', { useTz: true }).nullable();
    table.string('deleted_by', 255).nullable();
    table.string('deleted_reason', 255).nullable();
    table.unique(['environment_id', 'name'], {
      indexName: 'snapshots_environment_name_uq',
    });
    table.index(['deleted_at', 'created_at'], 'snapshots_live_idx');
  });

  await knex.schema.createTable('final_backups', table => {
    table.comment(
      'The vzdump archive each delete leaves, kept for the snapshot retention period',
    );
    table.string('id', 36).primary().notNullable();
    table
      .string('environment_id', 36)
      .notNullable()
      .references('id')
      .inTable('environments')
      .onDelete('CASCADE');
    table.string('volid', 255).notNullable().unique();
    table.string('node', 64).notNullable();
    table.integer('vmid').notNullable();
    table
      .string('operation_id', 36)
      .notNullable()
      .comment('the delete operation');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('pruned_at', { useTz: true }).nullable();
    table.string('pruned_by', 255).nullable();
    table
      .string('restored_to', 36)
      .nullable()
      .comment('the environment the last restore made');
    table.index(['pruned_at', 'created_at'], 'final_backups_live_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('final_backups');
  await knex.schema.dropTable('snapshots');
};
