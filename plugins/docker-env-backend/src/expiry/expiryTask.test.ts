import { Knex } from 'knex';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import { DatabaseDockerEnvStore } from '../store';
import type { EnvironmentNotice } from '../notifications';
import { EXPIRY_ACTOR, ExpiryAction, runExpiry } from './expiryTask';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

describe.each(databases.eachSupportedId())(
  'the expiry task on %s',
  databaseId => {
    let knex: Knex;
    let store: DatabaseDockerEnvStore;
    let notices: EnvironmentNotice[];
    const notifier = {
      stage: async (notice: EnvironmentNotice) => {
        notices.push(notice);
      },
      sendSoon: () => {},
    };
    let changes: string[];
    const environmentEvents = {
      changed: async (changedEnvironment: { name: string; status: string }) => {
        changes.push(`${changedEnvironment.name} ${changedEnvironment.status}`);
      },
    };
    const run = (at: string, action: ExpiryAction = 'pause') =>
      runExpiry({
        store,
        notifier,
        environmentEvents,
        action,
        now: () => new Date(at),
      });
    const told = () => notices.map(n => `${n.environment.name}: ${n.title}`);
    const statusOf = async (name: string) =>
      (await store.getEnvironmentByName(name))?.status;

    async function environment(
      name: string,
      expiresOn: string | null,
      status: 'ready' | 'paused' | 'cleanup_required' = 'ready',
    ) {
      const env = await store.insertEnvironment({
        name,
        owner: 'user:default/alice',
        status: 'provisioning',
        size: 'S',
        cpuCores: 1,
        memoryMb: 2048,
        diskGb: 16,
        purpose: 'tests',
        expiresOn,
        createdBy: 'user:default/alice',
      });
      await store.updateEnvironment(env.id, {
        status,
        vmid: 100,
        node: 'pve1',
      });
      return env;
    }

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseDockerEnvStore.create({
        database: { getClient: async () => knex },
      });
    });

    beforeEach(async () => {
      notices = [];
      changes = [];
      await knex('expiry_warnings').delete();
      await knex('audit_events').delete();
      await knex('operation_steps').delete();
      await knex('operations').delete();
      await knex('environments').delete();
    });

    it('warns 7 days and 1 day before, each once, and pauses what has expired', async () => {
      await environment('week', '2026-12-15');
      await environment('tomorrow', '2026-12-11');
      await environment('later', '2027-01-30');
      await environment('forever', null);
      const gone = await environment('gone', '2026-12-10');
      await environment('asleep', '2026-12-01', 'paused');

      const first = await run('2026-12-10T12:00:00Z');
      expect(first.queued).toEqual(['gone']);
      expect(told().sort()).toEqual([
        'tomorrow: tomorrow expires in 1 day',
        'week: week expires in 7 days',
      ]);
      expect(notices.every(n => n.event === 'environment.expiring')).toBe(true);
      expect(await statusOf('gone')).toBe('pausing');
      expect(changes).toEqual(['gone pausing']);
      const [op] = await store.listOperations(gone.id);
      expect(op).toMatchObject({
        kind: 'pause',
        status: 'queued',
        requestedBy: EXPIRY_ACTOR,
      });
      expect(op.input).toMatchObject({ vmid: 100, previousStatus: 'ready' });
      const audit = await knex('audit_events').where({
        environment_id: gone.id,
      });
      expect(audit.map(a => [a.actor, a.action])).toEqual([
        [EXPIRY_ACTOR, 'environment.pause'],
      ]);
      expect(await statusOf('asleep')).toBe('paused');

      // a rerun an hour later repeats nothing
      notices = [];
      expect(await run('2026-12-10T13:00:00Z')).toEqual({
        warned: [],
        queued: [],
        skipped: [],
      });
      expect(notices).toEqual([]);

      // four days on, the week's environment gets its 1-day warning, once
      expect((await run('2026-12-14T01:00:00Z')).warned).toEqual(['week 1d']);
      expect((await run('2026-12-14T02:00:00Z')).warned).toEqual([]);
    });

    it('warns again for a new date after an extension', async () => {
      const env = await environment('extended', '2026-12-15');
      await run('2026-12-10T12:00:00Z');
      await knex('environments')
        .where({ id: env.id })
        .update({ expires_on: '2026-12-16' });
      expect((await run('2026-12-10T13:00:00Z')).warned).toEqual([
        'extended 7d',
      ]);
    });

    it('with action delete, deletes expired environments, paused ones too; a busy one (a rollout too) waits for the next run', async () => {
      const asleep = await environment('asleep', '2026-12-01', 'paused');
      const busy = await environment('busy', '2026-12-01');
      const deploying = await environment('deploying', '2026-12-01');
      const snapshot = await store.insertOperation({
        environmentId: busy.id,
        kind: 'snapshot_create',
        input: {},
        requestedBy: 'user:default/alice',
        lockKey: `env:${busy.id}`,
      });
      const rollout = await store.insertOperation({
        environmentId: deploying.id,
        kind: 'deploy',
        input: {},
        requestedBy: 'user:default/alice',
        lockKey: `deploy:${deploying.id}:web`,
      });

      const report = await run('2026-12-10T12:00:00Z', 'delete');
      expect(report.queued).toEqual(['asleep']);
      expect(report.skipped.sort()).toEqual([
        expect.stringMatching(
          `^busy: operation ${snapshot.id} \\(snapshot_create\\) has been queued for \\d+ s on this environment; try again when it has ended$`,
        ),
        expect.stringMatching(
          `^deploying: operation ${rollout.id} \\(deploy\\) has been queued for \\d+ s`,
        ),
      ]);
      expect(await statusOf('deploying')).toBe('ready');
      expect(await statusOf('asleep')).toBe('deleting');
      expect((await store.listOperations(asleep.id))[0].input).toMatchObject({
        previousStatus: 'paused',
      });
      expect(await statusOf('busy')).toBe('ready');
    });

    it('cleans up an expired cleanup_required environment whatever the action, and never warns it', async () => {
      const left = await environment('left', '2026-12-01', 'cleanup_required');
      await environment('later', '2026-12-12', 'cleanup_required');
      const report = await run('2026-12-10T12:00:00Z', 'pause');
      expect(report).toEqual({ warned: [], queued: ['left'], skipped: [] });
      expect(notices).toEqual([]);
      expect(await statusOf('left')).toBe('deleting');
      const [operation] = await store.listOperations(left.id);
      expect(operation.kind).toBe('delete');
      expect(operation.input).toMatchObject({
        plan: 'cleanup',
        previousStatus: 'cleanup_required',
      });
      expect(await statusOf('later')).toBe('cleanup_required');
    });
  },
);
