import { Knex } from 'knex';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import { DatabaseDockerEnvStore } from '../store';
import type { DockerEnvStore } from '../store';
import type { ContainerWatchers } from './ContainerWatchers';
import { PortalChanges } from './PortalChanges';
import { WATCHED_STATUSES } from './startContainerWatchers';
import {
  startWatcherLab,
  type LabEngine,
  type WatcherLab,
} from '@docker-env/lab-testing/backend/watcherLab';
import {
  collectingSubscriber,
  eventually,
  labWatchers,
} from './__testUtils__/watcherLab';

jest.setTimeout(120_000);

const databases = createStoreTestDatabases();

/**
 * The watchers against the lab (latency 0): containers made through Portainer's Docker proxy and behind its back,
 * a stream cut every few hundred ms, the engine's 256-event memory overrun while the stream is down, two replicas
 * on one database, paused and resumed environments, and operations that make changes portal-made.
 */
describe.each(databases.eachSupportedId())(
  'container watchers against the lab on %s',
  databaseId => {
    let knex: Knex;
    let store: DockerEnvStore;
    let l: WatcherLab;
    /** The lab's engines as environment records (ready), by lab name. */
    const env: Record<string, LabEngine> = {};
    const running: ContainerWatchers[] = [];

    const targets = () => store.engineAddresses(WATCHED_STATUSES);
    const watchers = (
      ownerId: string,
      subscriber: ReturnType<typeof collectingSubscriber>,
      extra: { portal?: PortalChanges; fullPassMs?: number } = {},
    ) => {
      const w = labWatchers({
        ownerId,
        leases: store.watchLeases(),
        targets,
        channel: l.channel,
        subscribers: [subscriber.subscriber],
        ...extra,
      });
      running.push(w);
      w.start();
      return w;
    };
    const streaming = (w: ContainerWatchers, n: number) =>
      eventually(`${n} streams open`, async () => {
        const f = await w.figures();
        return f.streamsOpen >= n && f.fullPasses >= n;
      });
    const docker = (name: string) => l.channel(env[name]);

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await DatabaseDockerEnvStore.migrateUp(knex);
      store = DatabaseDockerEnvStore.fromKnex(knex);
      l = await startWatcherLab(4);
      for (const e of l.engines) {
        const record = await store.insertEnvironment({
          name: e.name,
          owner: 'user:default/alice',
          status: 'ready',
          size: 'S',
          cpuCores: 1,
          memoryMb: 1024,
          diskGb: 8,
          purpose: '',
          expiresOn: null,
          createdBy: 'user:default/alice',
        });
        await store.updateEnvironment(record.id, {
          facts: { ip: e.ip, endpointId: e.endpointId },
        });
        env[e.name] = { ...e, id: record.id };
      }
    });

    afterEach(async () => {
      await Promise.all(running.splice(0).map(w => w.stop()));
      l.lab.portainer.control.reset();
      await knex('watch_leases').delete();
    });

    afterAll(async () => {
      await l?.stop();
    });

    it('delivers the facts of containers made through Portainer’s proxy, with labels, ports and exit', async () => {
      const sub = collectingSubscriber();
      const w = watchers('replica-a', sub);
      await streaming(w, 4);
      const d = docker('watched-0');
      const made = await d.createContainer({
        name: 'web',
        image: 'nginx:latest',
        ports: [{ containerPort: 80, hostPort: 8080 }],
        labels: { 'docker-env.route': 'web.example' },
      });
      await d.start('web');
      // published ports are read by an inspect after the event: one of a container still running
      await sub.waitFor('started', f => f.kind === 'started');
      await d.stop('web', { timeoutSeconds: 1 });
      await d.rename('web', 'web-old');
      await d.remove('web-old');
      await sub.waitFor('destroyed', f => f.kind === 'destroyed');
      const mine = sub.facts.filter(f => f.container.id === made.id);
      expect(mine.map(f => f.kind)).toEqual([
        'created',
        'started',
        'died',
        'stopped',
        'renamed',
        'destroyed',
      ]);
      expect(mine.every(f => f.environment.name === 'watched-0')).toBe(true);
      expect(mine[0].container.labels).toEqual(
        expect.objectContaining({ 'docker-env.route': 'web.example' }),
      );
      expect(mine[1].container.ports).toEqual([
        expect.objectContaining({ containerPort: 80, hostPort: 8080 }),
      ]);
      expect(mine[3]).toEqual(
        expect.objectContaining({
          exitCode: 0,
          oomKilled: false,
          signal: '15',
        }),
      );
      expect(mine[4].oldName).toBe('web');
      expect(mine.every(f => f.source === 'stream' && !f.portalMade)).toBe(
        true,
      );
      const figures = await w.figures();
      expect(figures).toEqual(
        expect.objectContaining({
          environments: 4,
          environmentsPerReplica: { 'replica-a': 4 },
          lagMs: expect.objectContaining({ samples: mine.length }),
        }),
      );
    });

    it('resumes a stream cut every 300 ms without losing or repeating facts, and a full pass fills what the engine forgot', async () => {
      const control = l.lab.portainer.control;
      control.injectFault({
        operation: 'portainer.docker.events',
        times: Infinity,
        action: { kind: 'cut', afterMs: 300 },
      });
      const sub = collectingSubscriber();
      const w = watchers('replica-a', sub);
      await streaming(w, 4);
      const d = l.direct(env['watched-1']);
      for (let i = 0; i < 6; i++) {
        await d.createContainer({ name: `cut-${i}`, image: 'nginx:latest' });
        await new Promise(r => setTimeout(r, 150));
      }
      await sub.waitFor('created cut-5', f => f.container.name === 'cut-5');
      const created = sub.facts
        .filter(f => f.kind === 'created')
        .map(f => f.container.name)
        .sort();
      expect(created).toEqual([0, 1, 2, 3, 4, 5].map(i => `cut-${i}`));
      expect((await w.figures()).reconnects).toBeGreaterThanOrEqual(2);

      // the stream is down (every reconnect refused) while the engine's 256 kept events roll over
      await d.createContainer({ name: 'target', image: 'nginx:latest' });
      await d.start('target');
      await sub.waitFor(
        'started target',
        f => f.kind === 'started' && f.container.name === 'target',
      );
      control.injectFault({
        operation: 'portainer.docker',
        times: Infinity,
        action: { kind: 'fail', status: 502 },
      });
      await new Promise(r => setTimeout(r, 400));
      await d.stop('target', { timeoutSeconds: 1 });
      for (let i = 0; i < 140; i++) {
        await d.createContainer({ name: `filler-${i}`, image: 'nginx:latest' });
        await d.remove(`filler-${i}`);
      }
      control.reset();
      const died = await sub.waitFor(
        'died target (full pass)',
        f => f.kind === 'died' && f.container.name === 'target',
      );
      expect(died).toEqual(
        expect.objectContaining({ source: 'full-pass', exitCode: 0 }),
      );
      expect((await w.figures()).factsFromFullPasses).toBeGreaterThanOrEqual(1);
    });

    it('gives each environment one watcher across two replicas, and hands them over when one dies', async () => {
      const subA = collectingSubscriber('a');
      const subB = collectingSubscriber('b');
      const a = watchers('replica-a', subA);
      await streaming(a, 4);
      const b = watchers('replica-b', subB);
      const all = Object.values(env)
        .map(e => e.id)
        .sort();
      await new Promise(r => setTimeout(r, 700));
      expect(b.watched()).toEqual([]);
      expect(a.watched().sort()).toEqual(all);

      a.halt(); // dies: its leases are not given up
      const d = docker('watched-2');
      await d.createContainer({ name: 'after-death', image: 'nginx:latest' });
      await eventually('b watches all', () => b.watched().length === 4);
      const fact = await subB.waitFor(
        'created after-death',
        f => f.container.name === 'after-death',
      );
      expect(fact).toEqual(
        expect.objectContaining({ kind: 'created', source: 'stream' }),
      );
      expect(subA.facts.some(f => f.container.name === 'after-death')).toBe(
        false,
      );
      expect((await b.figures()).environmentsPerReplica).toEqual({
        'replica-b': 4,
      });

      // a graceful stop gives the leases up at once
      const subC = collectingSubscriber('c');
      const c = watchers('replica-c', subC, {});
      await new Promise(r => setTimeout(r, 100));
      await b.stop();
      await eventually('c watches all', () => c.watched().length === 4, 500);
    });

    it('stops watching a paused environment and watches it again once resumed', async () => {
      const sub = collectingSubscriber();
      const w = watchers('replica-a', sub);
      await streaming(w, 4);
      const e = env['watched-3'];
      await store.updateEnvironment(e.id, { status: 'paused' });
      await eventually('not watched', () => !w.watched().includes(e.id));
      // the watcher stops at once, its lease row is released right after (the figures read the lease table)
      await eventually(
        'its lease released',
        async () =>
          (await w.figures()).environmentsPerReplica['replica-a'] === 3,
      );
      expect((await w.figures()).environmentsPerReplica).toEqual({
        'replica-a': 3,
      });
      await l
        .direct(e)
        .createContainer({ name: 'while-paused', image: 'nginx:latest' });
      await store.updateEnvironment(e.id, { status: 'ready' });
      await eventually('watched', () => w.watched().includes(e.id));
      // resumed from where it stopped: the engine still has the event
      await sub.waitFor(
        'created while-paused',
        f => f.container.name === 'while-paused',
      );
      await docker('watched-3').createContainer({
        name: 'resumed',
        image: 'nginx:latest',
      });
      await sub.waitFor('created resumed', f => f.container.name === 'resumed');
    });

    it('tags changes made while an operation of the environment runs, and for the window after it', async () => {
      const sub = collectingSubscriber();
      const portal = new PortalChanges(store.operations(), 1000);
      const w = watchers('replica-a', sub, { portal });
      await streaming(w, 4);
      const e = env['watched-0'];
      const op = await store.operations().insert({
        environmentId: e.id,
        kind: 'pause',
        input: {},
        requestedBy: 'user:default/alice',
        lockKey: null,
      });
      await docker('watched-0').createContainer({
        name: 'during-op',
        image: 'nginx:latest',
      });
      await docker('watched-1').createContainer({
        name: 'elsewhere',
        image: 'nginx:latest',
      });
      expect(
        (await sub.waitFor('during-op', f => f.container.name === 'during-op'))
          .portalMade,
      ).toEqual({ operationId: op.id, kind: 'pause' });
      expect(
        (await sub.waitFor('elsewhere', f => f.container.name === 'elsewhere'))
          .portalMade,
      ).toBeNull();

      await knex('operations')
        .where({ id: op.id })
        .update({ status: 'succeeded', ended_at: new Date() });
      await docker('watched-0').createContainer({
        name: 'in-window',
        image: 'nginx:latest',
      });
      expect(
        (await sub.waitFor('in-window', f => f.container.name === 'in-window'))
          .portalMade,
      ).toEqual({ operationId: op.id, kind: 'pause' });
      await new Promise(r => setTimeout(r, 1500));
      await docker('watched-0').createContainer({
        name: 'after-window',
        image: 'nginx:latest',
      });
      expect(
        (
          await sub.waitFor(
            'after-window',
            f => f.container.name === 'after-window',
          )
        ).portalMade,
      ).toBeNull();
    });
  },
);
