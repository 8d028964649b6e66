/*
 * Drift flags: what the reconciler found out of line between the records and Proxmox, Portainer, NetBox and the
 * route folder, and did not (or could not) fix. A flag stays open while the drift lasts (`last_seen_at` moves on each
 * pass) and is resolved, never deleted, once the drift is gone; at most one open flag per drift.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('drift_flags', table => {
    table.comment('Drift the reconciler flagged, open until it is gone');
    table.increments('id').primary();
    table
      .string('environment_id', 36)
      .nullable()
      .comment(
        'The record the resource belongs to (or its mark names); no foreign key: orphans name ids of no record',
      );
    table.string('environment_name', 255).nullable();
    table
      .string('resource_kind', 32)
      .notNullable()
      .comment('ct, route, portainer_endpoint or netbox_vm');
    table.string('resource_id', 255).notNullable();
    table
      .string('kind', 32)
      .notNullable()
      .comment(
        'ct_missing, ct_stopped, ct_running, route_missing, route_changed, endpoint_missing, netbox_missing, orphan',
      );
    table.text('detail').notNullable();
    table.timestamp('first_seen_at', { useTz: true }).notNullable();
    table.timestamp('last_seen_at', { useTz: true }).notNullable();
    table.timestamp('resolved_at', { useTz: true }).nullable();
    table.index(
      ['environment_id', 'resolved_at'],
      'drift_flags_environment_idx',
    );
  });
  await knex.raw(
    'CREATE UNIQUE INDEX drift_flags_open ON drift_flags (kind, resource_kind, resource_id) WHERE resolved_at IS NULL',
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('drift_flags');
};
