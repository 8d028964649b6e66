/*
 * Deployment secrets: a deployment's `env` values and registry credentials, sealed (AES-256-GCM under
 * `dockerEnv.deployments.secretsKey`) for as long as its rollout runs, so a replica that takes the rollout over can
 * finish it; deleted when the rollout ends. The operation's recorded input holds the env keys and `secretsRef` only.
 *
 * Deploy operations recorded before this migration kept their env values in clear in `operations.input`: those that
 * ended lose the values here (the keys stay, each value becomes ""); an active one keeps them until it ends.
 */

const ACTIVE = ['queued', 'running'];

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('deployment_secrets', table => {
    table.comment(
      'Sealed env values and registry credentials of running rollouts',
    );
    table
      .string('ref', 36)
      .primary()
      .comment('secretsRef of the operation input');
    table
      .text('sealed')
      .notNullable()
      .comment('v1:<key id>:<iv>:<tag>:<ciphertext>');
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
  const rows = await knex('operations')
    .where({ kind: 'deploy' })
    .whereNotIn('status', ACTIVE)
    .select('id', 'input');
  for (const row of rows) {
    const input =
      typeof row.input === 'string' ? JSON.parse(row.input) : row.input;
    const env = input && input.deployment && input.deployment.env;
    if (!env || typeof env !== 'object' || Object.keys(env).length === 0)
      continue;
    const { env: _values, ...deployment } = input.deployment;
    await knex('operations')
      .where({ id: row.id })
      .update({
        input: JSON.stringify({
          ...input,
          deployment: { ...deployment, envKeys: Object.keys(env) },
        }),
      });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('deployment_secrets');
};
