/*
 * The backend plugin's tables: environments, operations and their steps (with the runner's claim columns),
 * idempotency keys, notification/webhook deliveries and the append-only audit log.
 *
 * Timestamps are written as JavaScript Dates by the store (never `knex.fn.now()`), so they compare the same way on
 * SQLite (epoch milliseconds) and PostgreSQL (timestamptz).
 */

const NAME_HOLDING_STATUSES = [
  'pending_approval',
  'provisioning',
  'ready',
  'pausing',
  'paused',
  'resuming',
  'deleting',
];

const ACTIVE_OPERATION_STATUSES = ['queued', 'running'];

const inList = values => values.map(v => `'${v}'`).join(', ');

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('environments', table => {
    table.comment(
      'Docker environments; a name is held only while the status holds it',
    );
    table.string('id', 36).primary().notNullable();
    table.string('name', 32).notNullable();
    table.string('owner', 255).notNullable().comment('Owner entity ref');
    table.string('status', 32).notNullable();
    table.string('status_reason', 1024).nullable();
    table.string('size', 16).notNullable().comment('S, M, L or custom');
    table.integer('cpu_cores').notNullable();
    table.integer('memory_mb').notNullable();
    table.integer('disk_gb').notNullable();
    table.string('purpose', 1024).notNullable().defaultTo('');
    table.string('expires_on', 10).nullable().comment('YYYY-MM-DD');
    table.string('url', 1024).nullable();
    table.string('portainer_url', 1024).nullable();
    table.integer('vmid').nullable();
    table.string('node', 255).nullable();
    table.text('facts').nullable().comment('JSON: what provisioning learnt');
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['owner'], 'environments_owner_idx');
    table.index(['status'], 'environments_status_idx');
    table.index(['name'], 'environments_name_idx');
  });
  await knex.raw(
    `CREATE UNIQUE INDEX environments_name_held ON environments (name) WHERE status IN (${inList(
      NAME_HOLDING_STATUSES,
    )})`,
  );

  await knex.schema.createTable('operations', table => {
    table.comment('Every change to an environment, run durably by the runner');
    table.string('id', 36).primary().notNullable();
    table
      .string('environment_id', 36)
      .notNullable()
      .references('id')
      .inTable('environments')
      .onDelete('CASCADE');
    table.string('kind', 32).notNullable();
    table.string('status', 32).notNullable();
    table.text('input').notNullable().defaultTo('{}').comment('JSON');
    table.text('result').nullable().comment('JSON');
    table.text('error').nullable().comment('step <name>: <reason>');
    table.string('failed_step', 255).nullable();
    table.string('requested_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    table.string('claimed_by', 255).nullable();
    table.timestamp('claim_expires_at', { useTz: true }).nullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table
      .string('lock_key', 255)
      .nullable()
      .comment(
        'env:<id> for lifecycle, deploy:<id>:<container> for deployments',
      );
    table.index(['environment_id', 'created_at'], 'operations_environment_idx');
    table.index(['status', 'claim_expires_at'], 'operations_claim_idx');
  });
  await knex.raw(
    `CREATE UNIQUE INDEX operations_lock_active ON operations (lock_key) WHERE status IN (${inList(
      ACTIVE_OPERATION_STATUSES,
    )})`,
  );

  await knex.schema.createTable('operation_steps', table => {
    table.comment(
      'The ordered steps of an operation, recorded before and after each run',
    );
    table.increments('id').primary();
    table
      .string('operation_id', 36)
      .notNullable()
      .references('id')
      .inTable('operations')
      .onDelete('CASCADE');
    table.integer('position').notNullable();
    table.string('name', 255).notNullable();
    table.string('status', 32).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    table.text('facts').nullable().comment('JSON');
    table.text('error').nullable();
    table.unique(['operation_id', 'position'], {
      indexName: 'operation_steps_position_uq',
    });
  });

  await knex.schema.createTable('idempotency_keys', table => {
    table.comment(
      'Answers to requests sent with an Idempotency-Key, per caller',
    );
    table.string('actor', 255).notNullable();
    table.string('idempotency_key', 255).notNullable();
    table.string('request_hash', 64).notNullable();
    table.integer('status_code').notNullable();
    table.text('response').notNullable().comment('JSON');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['actor', 'idempotency_key']);
  });

  await knex.schema.createTable('deliveries', table => {
    table.comment(
      'Each notification, email and webhook delivery attempt series',
    );
    table.increments('id').primary();
    table.string('environment_id', 36).nullable();
    table.string('operation_id', 36).nullable();
    table
      .string('channel', 32)
      .notNullable()
      .comment('notification or webhook');
    table.string('event', 64).notNullable();
    table.string('recipient', 1024).notNullable().comment('entity ref or URL');
    table
      .string('status', 32)
      .notNullable()
      .comment('pending, delivered, failed');
    table.integer('attempts').notNullable().defaultTo(0);
    table.text('error').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    table.index(['environment_id'], 'deliveries_environment_idx');
  });

  await knex.schema.createTable('audit_events', table => {
    table.comment(
      'Append-only audit log: who did what, when, with which result',
    );
    table.increments('id').primary();
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('actor', 255).notNullable();
    table.string('action', 64).notNullable();
    table
      .string('target', 255)
      .nullable()
      .comment('environment name or other target');
    table.string('environment_id', 36).nullable();
    table
      .string('result', 32)
      .notNullable()
      .comment('succeeded, refused, failed');
    table.text('reason').nullable();
    table.string('request_id', 255).nullable();
    table.text('details').nullable().comment('JSON');
    table.index(['environment_id', 'at'], 'audit_events_environment_idx');
    table.index(['actor', 'at'], 'audit_events_actor_idx');
    table.index(['at'], 'audit_events_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('audit_events');
  await knex.schema.dropTable('deliveries');
  await knex.schema.dropTable('idempotency_keys');
  await knex.schema.dropTable('operation_steps');
  await knex.schema.dropTable('operations');
  await knex.schema.dropTable('environments');
};
