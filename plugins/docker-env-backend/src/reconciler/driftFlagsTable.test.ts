import { Knex } from 'knex';
import { DatabaseDockerEnvStore } from '../store';
import { createStoreTestDatabases } from '../testing/databases';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

describe.each(databases.eachSupportedId())(
  'the drift_flags table on %s',
  databaseId => {
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await DatabaseDockerEnvStore.create({
        database: { getClient: async () => knex },
      });
    });

    it('allows one open flag per drift, and a new one once the old is resolved', async () => {
      const at = new Date('2026-12-03T10:00:00Z');
      const row = {
        kind: 'orphan',
        resource_kind: 'ct',
        resource_id: '300',
        detail: 'x',
        first_seen_at: at,
        last_seen_at: at,
      };
      await knex('drift_flags').insert(row);
      await expect(knex('drift_flags').insert(row)).rejects.toThrow();
      await knex('drift_flags').update({ resolved_at: at });
      await knex('drift_flags').insert(row);
      const open = await knex('drift_flags').whereNull('resolved_at');
      expect(
        open.map(f => `${f.kind} ${f.resource_kind} ${f.resource_id}`),
      ).toEqual(['orphan ct 300']);
    });
  },
);
