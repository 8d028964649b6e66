import { Knex } from 'knex';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import { DatabaseDockerEnvStore } from '../store';
import type { LabelRouteStore } from './LabelRouteStore';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();
const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, s));

describe.each(databases.eachSupportedId())(
  'the label routes store on %s',
  databaseId => {
    let knex: Knex;
    let store: LabelRouteStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await DatabaseDockerEnvStore.migrateUp(knex);
      store = DatabaseDockerEnvStore.fromKnex(knex).labelRoutes();
    });

    beforeEach(async () => {
      await knex('label_routes').delete();
    });

    it('keeps the first-seen time of a container seen again, and its new name', async () => {
      const first = await store.seen('env-1', 'c1', 'web', at(1));
      expect(first).toEqual(
        expect.objectContaining({ state: 'none', claim: null }),
      );
      const again = await store.seen('env-1', 'c1', 'web-2', at(9));
      expect(again.firstSeenAt.toISOString()).toBe(at(1).toISOString());
      expect(again.containerName).toBe('web-2');
    });

    it('orders the claimants of a host by first-seen time, then id, without the refused', async () => {
      await store.seen('env-1', 'b', 'second', at(5));
      await store.seen('env-1', 'a', 'also-second', at(5));
      await store.seen('env-1', 'z', 'first', at(2));
      await store.seen('env-1', 'r', 'refused', at(1));
      await store.seen('env-2', 'o', 'other-env', at(0));
      for (const id of ['a', 'b', 'z'])
        await store.update('env-1', id, { claim: 'host:x', state: 'routed' });
      await store.update('env-1', 'r', { claim: 'host:x', state: 'refused' });
      await store.update('env-2', 'o', { claim: 'host:x', state: 'routed' });
      expect(
        (await store.claimants('env-1', 'host:x')).map(r => r.containerId),
      ).toEqual(['z', 'a', 'b']);
    });

    it('records the route, the problem and what was reported, and forgets a removed container', async () => {
      await store.seen('env-1', 'c1', 'web', at(1));
      await store.update('env-1', 'c1', {
        state: 'unrouted',
        claim: 'path:/api',
        problem: 'port 80/tcp is not published',
        reportedKey: 'k',
      });
      expect(await store.list('env-1')).toEqual([
        expect.objectContaining({
          state: 'unrouted',
          claim: 'path:/api',
          problem: 'port 80/tcp is not published',
          reportedKey: 'k',
          routeId: null,
        }),
      ]);
      await store.remove('env-1', 'c1');
      expect(await store.get('env-1', 'c1')).toBeUndefined();
    });
  },
);
