import { Knex } from 'knex';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import { DatabaseDockerEnvStore } from '../store';
import type { DockerEnvStore } from '../store';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

describe.each(databases.eachSupportedId())(
  'incidents and alert rules on %s',
  databaseId => {
    let knex: Knex;
    let store: DockerEnvStore;
    let envId: string;
    const t0 = new Date('2026-12-07T10:00:00Z');
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    const sighting = (extra: Record<string, unknown> = {}) => ({
      environmentId: envId,
      kind: 'exit' as const,
      subject: 'web',
      details: { exitCode: 1 },
      at: t0,
      dueAt: t0,
      silenced: false,
      ...extra,
    });

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await DatabaseDockerEnvStore.migrateUp(knex);
      store = DatabaseDockerEnvStore.fromKnex(knex);
      envId = (
        await store.insertEnvironment({
          name: 'incidents',
          owner: 'user:default/alice',
          status: 'ready',
          size: 'S',
          cpuCores: 1,
          memoryMb: 1024,
          diskGb: 8,
          purpose: '',
          expiresOn: null,
          createdBy: 'user:default/alice',
        })
      ).id;
    });

    afterEach(async () => {
      await knex('alert_incidents').delete();
    });

    it('keeps one live incident per environment, subject and kind, however many sightings race', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.incidents().sight(sighting({ details: { exitCode: i } })),
        ),
      );
      expect(results.filter(r => r.created)).toHaveLength(1);
      const rows = await knex('alert_incidents');
      expect(rows).toHaveLength(1);
      expect(Number(rows[0].count)).toBe(8);
      // another kind or subject is another incident
      await store.incidents().sight(sighting({ kind: 'unhealthy' }));
      await store.incidents().sight(sighting({ subject: 'db' }));
      expect(await store.incidents().liveOf(envId)).toHaveLength(3);
      expect(await store.incidents().liveOf(envId, 'web')).toHaveLength(2);
    });

    it('opens a pending incident once when due, cancels one that cleared, resolves an open one once', async () => {
      const { incident } = await store
        .incidents()
        .sight(sighting({ dueAt: at(3) }));
      expect(incident.state).toBe('pending');
      expect(await store.incidents().due(at(2))).toEqual([]);
      expect((await store.incidents().due(at(3))).map(i => i.id)).toEqual([
        incident.id,
      ]);
      const opened = await Promise.all([
        store.incidents().open(incident.id, at(3)),
        store.incidents().open(incident.id, at(3)),
      ]);
      expect(opened.filter(Boolean)).toHaveLength(1);
      expect(await store.incidents().cancel(incident.id)).toBe(false);
      const resolved = await Promise.all([
        store.incidents().resolve(incident.id, 'runs again', at(9)),
        store.incidents().resolve(incident.id, 'runs again', at(9)),
      ]);
      expect(resolved.filter(Boolean)).toHaveLength(1);
      expect(
        await store.incidents().live(envId, 'web', 'exit'),
      ).toBeUndefined();
      // the key is free again: a new incident
      const again = await store.incidents().sight(sighting({ dueAt: at(20) }));
      expect(again.created).toBe(true);
      expect(await store.incidents().cancel(again.incident.id)).toBe(true);
      expect(await knex('alert_incidents')).toHaveLength(1);
    });

    it('lists open incidents, and recent ones resolved since a time, for some environments', async () => {
      const a = await store.incidents().sight(sighting({ subject: 'a' }));
      const b = await store.incidents().sight(sighting({ subject: 'b' }));
      await store.incidents().sight(sighting({ subject: 'p', dueAt: at(60) }));
      await store.incidents().resolve(a.incident.id, 'gone', at(10));
      const list = (state: 'open' | 'recent', since = t0, ids = [envId]) =>
        store
          .incidents()
          .list({ environmentIds: ids, state, since, limit: 10 })
          .then(r => r.map(i => i.subject).sort());
      expect(await list('open')).toEqual(['b']);
      expect(await list('recent')).toEqual(['a', 'b']);
      expect(await list('recent', at(11))).toEqual(['b']);
      expect(await list('open', t0, [])).toEqual([]);
      expect(b.incident.details).toEqual({ exitCode: 1 });
    });

    it('stores an environment’s rules with the silence, and reads them back', async () => {
      expect(await store.alertRules().get(envId)).toBeUndefined();
      const rules = {
        enabled: true,
        exit: { enabled: false },
        crashLoop: { enabled: true, restarts: 4, windowSeconds: 60 },
        unhealthy: { enabled: true },
        cpu: { enabled: true, thresholdPercent: 80, forSeconds: 60 },
        memory: { enabled: true, thresholdPercent: 90, forSeconds: 300 },
        disk: { enabled: false, thresholdPercent: 90, forSeconds: 0 },
        silencedUntil: '2026-12-08T10:00:00.000Z',
      };
      await store.alertRules().put(envId, rules, 'user:default/alice');
      await store
        .alertRules()
        .put(
          envId,
          { ...rules, cpu: { ...rules.cpu, thresholdPercent: 70 } },
          'user:default/carol',
        );
      const stored = await store.alertRules().get(envId);
      expect(stored).toEqual({
        rules: { ...rules, cpu: { ...rules.cpu, thresholdPercent: 70 } },
        updatedBy: 'user:default/carol',
        updatedAt: expect.any(String),
      });
      expect((await store.alertRules().getMany([envId, 'nope'])).size).toBe(1);
    });
  },
);
