import { Knex } from 'knex';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import { DatabaseDockerEnvStore } from '../store';
import { RetentionScope, runSnapshotRetention } from './retentionTask';
import { generatedSnapshotName, isPortalSnapshotName } from './snapshotNames';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();
const NOW = new Date('2026-12-07T05:00:00Z');
const DAY_S = 24 * 3600;
const at = (daysAgo: number) => NOW.getTime() / 1000 - daysAgo * DAY_S;

describe('the portal snapshot mark', () => {
  it('is the generated name, and only that', () => {
    expect(generatedSnapshotName(NOW)).toBe('s20261207050000');
    expect(isPortalSnapshotName(generatedSnapshotName(NOW))).toBe(true);
    for (const name of [
      'pre-upgrade',
      's2026',
      'snap20261207050000',
      'S20261207050000x',
    ])
      expect(isPortalSnapshotName(name)).toBe(false);
  });
});

describe.each(databases.eachSupportedId())(
  'snapshot retention on %s',
  databaseId => {
    let knex: Knex;
    let store: DatabaseDockerEnvStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseDockerEnvStore.create({
        database: { getClient: async () => knex },
      });
    });
    beforeEach(async () => {
      for (const t of ['audit_events', 'operations', 'environments'])
        await knex(t).delete();
    });

    const run = async (scope?: RetentionScope) => {
      const env = await store.insertEnvironment({
        name: 'kept-snaps',
        owner: 'user:default/alice',
        status: 'ready',
        size: 'S',
        cpuCores: 1,
        memoryMb: 2048,
        diskGb: 16,
        purpose: '',
        expiresOn: null,
        createdBy: 'user:default/alice',
      });
      await store.updateEnvironment(env.id, { vmid: 9101, node: 'pve1' });
      const held = [
        { name: 's20261001000000', description: '', snaptime: at(60) },
        { name: 'pre-upgrade', description: 'admin, PVE UI', snaptime: at(60) },
        { name: 's20261206000000', description: '', snaptime: at(1) },
      ];
      const report = await runSnapshotRetention({
        store,
        proxmox: () => ({ listSnapshots: async () => held }),
        retentionDays: 30,
        scope,
        now: () => NOW,
      });
      const [operation] = await store.listOperations(env.id);
      return { report, names: operation?.input.snapshotNames };
    };

    it("prunes only the portal's expired snapshots by default", async () => {
      const { report, names } = await run();
      expect(report.queued).toEqual(['kept-snaps/s20261001000000']);
      expect(names).toEqual(['s20261001000000']);
    });

    it('prunes every expired snapshot with scope all', async () => {
      const { report, names } = await run('all');
      expect(report.queued).toEqual([
        'kept-snaps/s20261001000000',
        'kept-snaps/pre-upgrade',
      ]);
      expect(names).toEqual(['s20261001000000', 'pre-upgrade']);
    });
  },
);
