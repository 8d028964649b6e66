import knexFactory, { Knex } from 'knex';

/**
 * A fresh PostgreSQL database for one benchmark on the test services' server
 * (`BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING`); `drop` closes it and removes it.
 */
export async function createBenchDatabase(
  name: string,
  poolMax: number,
): Promise<{ knex: Knex; drop: () => Promise<void> }> {
  const base = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!base)
    throw new Error(
      'set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (source /work/wt/services.env)',
    );
  const admin = knexFactory({ client: 'pg', connection: base });
  await admin.raw(`DROP DATABASE IF EXISTS ${name}`);
  await admin.raw(`CREATE DATABASE ${name}`);
  const knex = knexFactory({
    client: 'pg',
    connection: `${base.replace(/\/$/, '')}/${name}`,
    pool: { min: 1, max: poolMax },
  });
  return {
    knex,
    drop: async () => {
      await knex.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name}`);
      await admin.destroy();
    },
  };
}
