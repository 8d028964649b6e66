import { mockServices } from '@backstage/backend-test-utils';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import {
  startWatcherLab,
  type LabEngine,
  type WatcherLab,
} from '@docker-env/lab-testing/backend/watcherLab';
import {
  LocalRouteStore,
  RouteWriter,
} from '@docker-env/plugin-docker-env-node';
import {
  liveDocument,
  pausedDocument,
  rewriteEnvironmentRoutes,
} from '@docker-env/plugin-docker-env-workflows-node';
import { Knex } from 'knex';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { EnvironmentNotice } from '../notifications/Notifier';
import { DatabaseDockerEnvStore, type DockerEnvStore } from '../store';
import type { ContainerWatchers } from '../watcher';
import { PortalChanges } from '../watcher/PortalChanges';
import { WATCHED_STATUSES } from '../watcher/startContainerWatchers';
import { eventually, labWatchers } from '../watcher/__testUtils__/watcherLab';
import { LabelRoutes } from './LabelRoutes';

jest.setTimeout(120_000);

const databases = createStoreTestDatabases();
const BASE = 'docker.example.com';

/** GET through the lab's edge with a Host header: status and the JSON the container's program answers. */
function get(
  edge: string,
  host: string,
  urlPath = '/',
): Promise<{ status: number; body: any }> {
  const url = new URL(urlPath, edge);
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { host }, timeout: 5000 }, res => {
      let text = '';
      res.on('data', c => (text += c));
      res.on('end', () => {
        let body: any = text;
        try {
          body = JSON.parse(text);
        } catch {
          // the edge's own pages are text
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * Routes from labels against the lab: containers made through Portainer's Docker proxy, the watcher's facts, the
 * route writer's files served by the lab's edge.
 */
describe.each(databases.eachSupportedId())(
  'routes from container labels against the lab on %s',
  databaseId => {
    let knex: Knex;
    let store: DockerEnvStore;
    let l: WatcherLab;
    let dir: string;
    const env: Record<string, LabEngine> = {};
    const running: ContainerWatchers[] = [];
    const notices: EnvironmentNotice[] = [];
    const settings = {
      baseDomain: BASE,
      entryPoints: ['web'],
      tls: false,
    };

    const start = (ownerId: string) => {
      const routes = new LabelRoutes({
        store,
        routes: () => ({ store: new LocalRouteStore(dir), settings }),
        notify: async n => {
          notices.push(n);
        },
        logger: mockServices.logger.mock(),
      });
      const w = labWatchers({
        ownerId,
        leases: store.watchLeases(),
        targets: () => store.engineAddresses(WATCHED_STATUSES),
        channel: l.channel,
        portal: new PortalChanges(store.operations(), 1000),
        subscribers: [routes.subscriber],
      });
      running.push(w);
      w.start();
      return w;
    };
    const streaming = (w: ContainerWatchers, n = 2) =>
      eventually(`${n} streams open`, async () => {
        const f = await w.figures();
        return f.streamsOpen >= n && f.fullPasses >= n;
      });
    const docker = () => l.channel(env['watched-0']);
    const edge = () => l.lab.edge!.url();
    const host = (sub?: string) =>
      sub ? `${sub}.watched-0.${BASE}` : `watched-0.${BASE}`;
    const served = (h: string, p: string, container: string) =>
      eventually(`${h}${p} served by ${container}`, async () => {
        const r = await get(edge(), h, p);
        return r.status === 200 && r.body.container === container;
      });
    const gone = (h: string, p: string) =>
      eventually(`${h}${p} not routed`, async () => {
        const r = await get(edge(), h, p);
        return r.status === 404;
      });
    const make = async (
      name: string,
      labels: Record<string, string>,
      ports: Array<{
        containerPort: number;
        hostPort: number;
        hostIp?: string;
      }>,
    ) => {
      await docker().createContainer({
        name,
        image: 'nginx:latest',
        labels,
        ports,
      });
      await docker().start(name);
    };
    const noticesFor = (container: string) =>
      notices.filter(n => n.title.includes(`Container ${container} `));

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await DatabaseDockerEnvStore.migrateUp(knex);
      store = DatabaseDockerEnvStore.fromKnex(knex);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'label-routes-'));
      l = await startWatcherLab(2, 0, { routesDir: dir });
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
      await knex('watch_leases').delete();
      notices.splice(0);
    });

    afterAll(async () => {
      await l?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('serves host and path routes from labels, follows a rename, and takes them away at stop and removal', async () => {
      await streaming(start('replica-a'));
      await make('web', { 'docker-env.route.host': 'web' }, [
        { containerPort: 80, hostPort: 18080 },
      ]);
      await make(
        'api',
        {
          'docker-env.route.path': '/api',
          'docker-env.route.port': '8000',
          'docker-env.route.strip-prefix': 'true',
        },
        [{ containerPort: 8000, hostPort: 18081 }],
      );
      await served(host('web'), '/', 'web');
      await served(host(), '/api/items', 'api');
      // strip-prefix: the program sees the path without /api
      expect((await get(edge(), host(), '/api/items')).body.path).toBe(
        '/items',
      );
      await docker().rename('api', 'api-2');
      await docker().stop('web', { timeoutSeconds: 1 });
      await gone(host('web'), '/');
      await served(host(), '/api/items', 'api-2');
      await docker().stop('api-2', { timeoutSeconds: 1 });
      await docker().remove('api-2');
      await gone(host(), '/api/items');
      await docker().start('web');
      await served(host('web'), '/', 'web');
      await docker().stop('web', { timeoutSeconds: 1 });
      await docker().remove('web');
      await gone(host('web'), '/');
      expect(notices).toEqual([]);
    });

    it('reports each bad label, an unpublished and a loopback-only port once, and writes nothing', async () => {
      await streaming(start('replica-a'));
      const cases: Array<[string, Record<string, string>, string]> = [
        ['root', { 'docker-env.route.path': '/' }, 'main route'],
        ['dots', { 'docker-env.route.path': '/a/../b' }, '.. segment'],
        ['slash', { 'docker-env.route.path': '/a/' }, 'end with a slash'],
        ['chars', { 'docker-env.route.path': '/a%20' }, 'characters outside'],
        ['badhost', { 'docker-env.route.host': 'A_b' }, 'not a DNS label'],
        [
          'badport',
          { 'docker-env.route.host': 'p', 'docker-env.route.port': '0' },
          'not a port number',
        ],
        [
          'badstrip',
          {
            'docker-env.route.path': '/s',
            'docker-env.route.strip-prefix': 'y',
          },
          'true or false',
        ],
      ];
      let port = 18100;
      for (const [name, labels] of cases)
        await make(name, labels, [{ containerPort: 80, hostPort: port++ }]);
      await make(
        'unpublished',
        { 'docker-env.route.host': 'u', 'docker-env.route.port': '81' },
        [{ containerPort: 80, hostPort: port++ }],
      );
      await make('loopback', { 'docker-env.route.host': 'lo' }, [
        { containerPort: 80, hostPort: port++, hostIp: '127.0.0.1' },
      ]);
      cases.push(
        ['unpublished', {}, 'is not published on the host'],
        ['loopback', {}, 'published on 127.0.0.1 only'],
      );
      for (const [name, , rule] of cases)
        await eventually(`${name} reported`, () =>
          noticesFor(name).some(n => n.description.includes(rule)),
        );
      // a restart with the same labels is not reported again
      await docker().stop('root', { timeoutSeconds: 1 });
      await docker().start('root');
      await docker()
        .start('root')
        .catch(() => undefined);
      await new Promise(r => setTimeout(r, 500));
      for (const [name] of cases) expect(noticesFor(name)).toHaveLength(1);
      const records = await store.labelRoutes().list(env['watched-0'].id);
      for (const [name] of cases) {
        const r = records.find(x => x.containerName === name)!;
        expect(r.routeId).toBeNull();
        expect(r.problem).toBeTruthy();
      }
      expect(fs.readdirSync(dir).filter(f => f.includes('watched-0'))).toEqual(
        [],
      );
      for (const [name] of cases) {
        await docker().stop(name, { timeoutSeconds: 1 });
        await docker().remove(name);
      }
    });

    it('gives a host to the container created first, whatever starts first', async () => {
      await streaming(start('replica-a'));
      for (const name of ['first', 'second'])
        await docker().createContainer({
          name,
          image: 'nginx:latest',
          labels: { 'docker-env.route.host': 'dup' },
          ports: [
            { containerPort: 80, hostPort: name === 'first' ? 18200 : 18201 },
          ],
        });
      await docker().start('second');
      await eventually('second refused', () =>
        noticesFor('second').some(n =>
          n.description.includes('held by container first'),
        ),
      );
      await docker().start('first');
      await served(host('dup'), '/', 'first');
      for (const name of ['first', 'second']) {
        await docker().stop(name, { timeoutSeconds: 1 });
        await docker().remove(name);
      }
      await gone(host('dup'), '/');
    });

    it('leaves a container of a running operation (a rollout’s -new) unrouted', async () => {
      await streaming(start('replica-a'));
      const op = await store.operations().insert({
        environmentId: env['watched-0'].id,
        kind: 'deploy',
        input: {},
        requestedBy: 'user:default/alice',
        lockKey: null,
      });
      await make('app-new', { 'docker-env.route.host': 'app' }, [
        { containerPort: 80, hostPort: 18300 },
      ]);
      await new Promise(r => setTimeout(r, 1000));
      expect((await get(edge(), host('app'), '/')).status).toBe(404);
      expect(
        (await store.labelRoutes().list(env['watched-0'].id)).filter(
          r => r.containerName === 'app-new',
        ),
      ).toEqual([]);
      await knex('operations')
        .where({ id: op.id })
        .update({ status: 'succeeded', ended_at: new Date(Date.now() - 5000) });
      await docker().stop('app-new', { timeoutSeconds: 1 });
      await docker().remove('app-new');
    });

    it('follows pause (paused page) and resume (back), as the lifecycle rewrites the environment’s route files', async () => {
      await streaming(start('replica-a'));
      await make('web', { 'docker-env.route.host': 'web' }, [
        { containerPort: 80, hostPort: 18400 },
      ]);
      await served(host('web'), '/', 'web');
      const pausedRoute = { url: `http://${env['watched-1'].ip}:18401` };
      await l.channel(env['watched-1']).createContainer({
        name: 'paused-page',
        image: 'nginx:latest',
        ports: [{ containerPort: 80, hostPort: 18401 }],
      });
      await l.channel(env['watched-1']).start('paused-page');
      const writer = new RouteWriter(new LocalRouteStore(dir));
      const target = { environmentId: env['watched-0'].id, name: 'watched-0' };
      await rewriteEnvironmentRoutes(writer, target, (id, doc) =>
        pausedDocument(id, doc, pausedRoute),
      );
      await served(host('web'), '/', 'paused-page');
      await rewriteEnvironmentRoutes(writer, target, (id, doc) =>
        liveDocument(id, doc, pausedRoute, env['watched-0'].ip),
      );
      await served(host('web'), '/', 'web');
      await docker().stop('web', { timeoutSeconds: 1 });
      await docker().remove('web');
      await l
        .channel(env['watched-1'])
        .stop('paused-page', { timeoutSeconds: 1 });
      await l.channel(env['watched-1']).remove('paused-page');
    });

    it('with two replicas, routes once and reports once', async () => {
      const a = start('replica-a');
      const b = start('replica-b');
      await eventually('both environments watched', async () => {
        const [fa, fb] = await Promise.all([a.figures(), b.figures()]);
        return fa.streamsOpen + fb.streamsOpen >= 2;
      });
      await make('two', { 'docker-env.route.host': 'two' }, [
        { containerPort: 80, hostPort: 18500 },
      ]);
      await make('twobad', { 'docker-env.route.path': '/x/' }, [
        { containerPort: 80, hostPort: 18501 },
      ]);
      await served(host('two'), '/', 'two');
      await eventually(
        'twobad reported',
        () => noticesFor('twobad').length > 0,
      );
      await new Promise(r => setTimeout(r, 500));
      expect(noticesFor('twobad')).toHaveLength(1);
      for (const name of ['two', 'twobad']) {
        await docker().stop(name, { timeoutSeconds: 1 });
        await docker().remove(name);
      }
      await gone(host('two'), '/');
    });
  },
);
