import { Knex } from 'knex';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import { DatabaseDockerEnvStore } from '../store';
import type { WatchLeaseStore } from './WatchLeaseStore';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, s));
const ids = ['env-1', 'env-2', 'env-3'];
const none = (list: string[]) =>
  new Map<string, number | null>(list.map(id => [id, null]));

describe.each(databases.eachSupportedId())(
  'the container watchers’ leases on %s',
  databaseId => {
    let knex: Knex;
    let leases: WatchLeaseStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await DatabaseDockerEnvStore.migrateUp(knex);
      leases = DatabaseDockerEnvStore.fromKnex(knex).watchLeases();
    });

    beforeEach(async () => {
      await knex('watch_leases').delete();
    });

    it('gives each environment to one replica, and a live lease to nobody else', async () => {
      const a = await leases.acquire('a', ids.slice(0, 2), at(0), at(15));
      expect(a.map(l => l.environmentId).sort()).toEqual(['env-1', 'env-2']);
      const b = await leases.acquire('b', ids, at(1), at(16));
      expect(b.map(l => l.environmentId)).toEqual(['env-3']);
      expect(await leases.holders(at(2))).toEqual({ a: 2, b: 1 });
      // the holder takes its own again (idempotent), generation unchanged
      const again = await leases.acquire('a', ['env-1'], at(3), at(18));
      expect(again).toEqual([
        expect.objectContaining({ owner: 'a', generation: 1, cursorMs: null }),
      ]);
    });

    it('hands an expired lease over with its cursor, and the old holder’s renewal no longer holds it', async () => {
      await leases.acquire('a', ['env-1'], at(0), at(15));
      expect(
        await leases.renew('a', new Map([['env-1', 1234]]), at(5), at(20)),
      ).toEqual(['env-1']);
      expect(await leases.acquire('b', ['env-1'], at(19), at(34))).toEqual([]);
      const taken = await leases.acquire('b', ['env-1'], at(21), at(36));
      expect(taken).toEqual([
        expect.objectContaining({
          owner: 'b',
          generation: 2,
          cursorMs: 1234,
          expiresAt: at(36),
        }),
      ]);
      expect(await leases.renew('a', none(['env-1']), at(22), at(37))).toEqual(
        [],
      );
      expect(await leases.holders(at(22))).toEqual({ b: 1 });
    });

    it('renews an expired lease nobody took, and keeps the cursor when none is given', async () => {
      await leases.acquire('a', ['env-1'], at(0), at(15));
      await leases.renew('a', new Map([['env-1', 99]]), at(1), at(15));
      expect(await leases.renew('a', none(['env-1']), at(30), at(45))).toEqual([
        'env-1',
      ]);
      const [lease] = await leases.acquire('a', ['env-1'], at(31), at(46));
      expect(lease.cursorMs).toBe(99);
    });

    it('gives leases up at once on release, with the cursor for the next holder', async () => {
      await leases.acquire('a', ids, at(0), at(15));
      await leases.release('a', new Map([['env-2', 777]]), at(1));
      expect(await leases.holders(at(1))).toEqual({ a: 2 });
      const [taken] = await leases.acquire('b', ['env-2'], at(1), at(16));
      expect(taken).toEqual(
        expect.objectContaining({ owner: 'b', cursorMs: 777, generation: 2 }),
      );
    });

    it('lets exactly one of two replicas take a free lease when they race', async () => {
      await leases.acquire('a', ['env-1'], at(0), at(1));
      const many = Array.from({ length: 8 }, (_, i) => `r${i}`);
      const results = await Promise.all(
        many.map(owner => leases.acquire(owner, ['env-1'], at(5), at(20))),
      );
      expect(results.filter(r => r.length === 1)).toHaveLength(1);
      expect(Object.values(await leases.holders(at(6)))).toEqual([1]);
    });

    it('takes 600 environments in chunks (under SQLite’s parameter limit)', async () => {
      const lots = Array.from({ length: 600 }, (_, i) => `env-${i}`);
      expect(await leases.acquire('a', lots, at(0), at(15))).toHaveLength(600);
      expect(await leases.renew('a', none(lots), at(1), at(16))).toHaveLength(
        600,
      );
    });
  },
);
