import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import { DatabaseDockerEnvStore } from './DatabaseDockerEnvStore';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();
const env = {
  name: 'kept',
  owner: 'user:default/alice',
  status: 'provisioning' as const,
  size: 'S' as const,
  cpuCores: 1,
  memoryMb: 2048,
  diskGb: 16,
  purpose: '',
  expiresOn: null,
  createdBy: 'user:default/alice',
};

describe.each(databases.eachSupportedId())('migrations on %s', databaseId => {
  it('go down and up again with data in place', async () => {
    const knex = await databases.init(databaseId);
    const store = await DatabaseDockerEnvStore.create({
      database: { getClient: async () => knex },
    });
    const created = await store.insertEnvironment(env);
    await store.insertOperation({
      environmentId: created.id,
      kind: 'provision',
      input: {},
      requestedBy: 'user:default/alice',
      lockKey: `env:${created.id}`,
    });
    await store.appendAudit({
      actor: 'user:default/alice',
      action: 'environment.create',
      target: 'kept',
      environmentId: created.id,
      result: 'succeeded',
    });

    await DatabaseDockerEnvStore.migrateDown(knex);
    expect(await knex.schema.hasTable('environments')).toBe(false);
    expect(await knex.schema.hasTable('operations')).toBe(false);
    await DatabaseDockerEnvStore.migrateUp(knex);
    expect(await knex.schema.hasTable('audit_events')).toBe(true);
    await expect(store.insertEnvironment(env)).resolves.toMatchObject({
      name: 'kept',
    });
  });
});

describe('file SQLite', () => {
  it('keeps every record across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docker-env-restart-'));
    const connect = () =>
      knexFactory({
        client: 'better-sqlite3',
        connection: { filename: join(dir, 'docker-env.sqlite') },
        useNullAsDefault: true,
      });
    try {
      const first = connect();
      const before = await DatabaseDockerEnvStore.create({
        database: { getClient: async () => first },
      });
      const created = await before.insertEnvironment(env);
      const op = await before.insertOperation({
        environmentId: created.id,
        kind: 'provision',
        input: {},
        requestedBy: 'user:default/alice',
        lockKey: `env:${created.id}`,
      });
      await first.destroy();

      const second = connect();
      const after = await DatabaseDockerEnvStore.create({
        database: { getClient: async () => second },
      });
      expect(await after.getEnvironmentByName('kept')).toEqual(created);
      expect(await after.listOperations(created.id)).toEqual([op]);
      await second.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
