/*
 * The deliveries table becomes an outbox (issue 22): each row is written in the transaction of the change that
 * causes it, carries a stable delivery id (sent to webhook receivers so they can deduplicate) and what to send, and
 * is retried with backoff by the outbox worker until delivered or given up. `claimed_until` is the lease of the
 * sender that took the row, so an attempt lost in a crash is taken again once the lease ran out.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('deliveries', table => {
    table
      .string('delivery_id', 36)
      .nullable()
      .comment('Stable id of the delivery, sent with every attempt');
    table
      .text('payload')
      .nullable()
      .comment('JSON: the notice to send (title, description, link, ...)');
    table
      .timestamp('next_attempt_at', { useTz: true })
      .nullable()
      .comment('When the next attempt is due, while pending');
    table
      .timestamp('claimed_until', { useTz: true })
      .nullable()
      .comment('Lease of the sender trying it now');
  });
  await knex('deliveries')
    .whereNull('delivery_id')
    .update({ delivery_id: knex.raw('CAST(id AS VARCHAR(36))') });
  // rows from before the outbox have no payload to send: their outcome stands
  await knex('deliveries')
    .where({ status: 'pending' })
    .update({ status: 'failed', error: 'recorded before the outbox' });
  await knex.schema.alterTable('deliveries', table => {
    table.unique(['delivery_id'], { indexName: 'deliveries_delivery_id_uq' });
    table.index(['status', 'next_attempt_at'], 'deliveries_due_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('deliveries', table => {
    table.dropIndex(['status', 'next_attempt_at'], 'deliveries_due_idx');
    table.dropUnique(['delivery_id'], 'deliveries_delivery_id_uq');
  });
  await knex.schema.alterTable('deliveries', table => {
    table.dropColumn('claimed_until');
    table.dropColumn('next_attempt_at');
    table.dropColumn('payload');
    table.dropColumn('delivery_id');
  });
};
