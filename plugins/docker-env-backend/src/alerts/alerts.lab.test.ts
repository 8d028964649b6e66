import { Knex } from 'knex';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import {
  startWatcherLab,
  type LabEngine,
  type WatcherLab,
} from '@docker-env/lab-testing/backend/watcherLab';
import { DatabaseDockerEnvStore } from '../store';
import type { DockerEnvStore } from '../store';
import type { ContainerWatchers } from '../watcher/ContainerWatchers';
import { PortalChanges } from '../watcher/PortalChanges';
import { WATCHED_STATUSES } from '../watcher/startContainerWatchers';
import { eventually, labWatchers } from '../watcher/__testUtils__/watcherLab';
import { startReceiver } from '@docker-env/lab-testing/clients/receiver';
import { alertHarness, type SentNotification } from './__testUtils__/alertLab';
import { collectingSubscriber } from '../watcher/__testUtils__/watcherLab';
import { sweepAlerts } from './sweep';

jest.setTimeout(120_000);

const databases = createStoreTestDatabases();
const ALICE = 'user:default/alice';

/**
 * The container alerts against the lab (latency 0), fed by the real watchers through Portainer's Docker proxy, each
 * notice sent through the outbox (a recorded Backstage notification, a webhook to a real receiver): every kind, its
 * recovery and its silence, portal-made stops, a cut stream, and a crash loop of five restarts.
 */
describe.each(databases.eachSupportedId())(
  'container alerts against the lab on %s',
  databaseId => {
    let knex: Knex;
    let store: DockerEnvStore;
    let l: WatcherLab;
    let h: Awaited<ReturnType<typeof alertHarness>>;
    let w: ContainerWatchers;
    let sweeping: NodeJS.Timeout;
    let seen: ReturnType<typeof collectingSubscriber>;
    const env: Record<string, LabEngine> = {};
    let n = 0;

    /** A fresh container name (the tests share the engines). */
    const fresh = (base: string) => `${base}-${++n}`;
    const docker = (name = 'watched-0') => l.channel(env[name]);
    /** The engine's own API, not through Portainer (the CLI on the guest). */
    const engine = async (path: string, body?: unknown, name = 'watched-0') => {
      const res = await fetch(`http://${env[name].ip}:2375${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (res.status >= 300)
        throw new Error(`${path}: ${res.status} ${await res.text()}`);
    };
    const incidents = (subject: string) =>
      knex('alert_incidents').where({ subject }).orderBy('started_at');
    /** The alert notices (not the recoveries) about a container. */
    const about = (container: string) => (t: SentNotification) =>
      t.topic === 'environment.alert' &&
      t.title.includes(`container ${container} `);
    const running = async (name: string) => {
      await docker().createContainer({ name, image: 'nginx:latest' });
      await docker().start(name);
    };

    const startWatchers = async () => {
      w = labWatchers({
        ownerId: 'replica-a',
        leases: store.watchLeases(),
        targets: () => store.engineAddresses(WATCHED_STATUSES),
        channel: l.channel,
        portal: new PortalChanges(store.operations(), 1000),
        subscribers: [h.containers.subscriber(), seen.subscriber],
      });
      w.start();
      await eventually('streams open', async () => {
        const f = await w.figures();
        return f.streamsOpen >= 2 && f.fullPasses >= 2;
      });
    };

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await DatabaseDockerEnvStore.migrateUp(knex);
      store = DatabaseDockerEnvStore.fromKnex(knex);
      l = await startWatcherLab(2);
      for (const e of l.engines) {
        const record = await store.insertEnvironment({
          name: e.name,
          owner: ALICE,
          status: 'ready',
          size: 'S',
          cpuCores: 1,
          memoryMb: 1024,
          diskGb: 8,
          purpose: '',
          expiresOn: null,
          createdBy: ALICE,
        });
        await store.updateEnvironment(record.id, {
          facts: { ip: e.ip, endpointId: e.endpointId },
        });
        env[e.name] = { ...e, id: record.id };
      }
    });

    beforeEach(async () => {
      h = await alertHarness(store, await startReceiver());
      seen = collectingSubscriber();
      await startWatchers();
      // the scheduled task's work, often
      sweeping = setInterval(
        () => void sweepAlerts(h.actions).catch(() => undefined),
        100,
      );
    });

    afterEach(async () => {
      clearInterval(sweeping);
      await w.stop();
      await h.stop();
      l.lab.portainer.control.reset();
      await knex('watch_leases').delete();
      await knex('alert_rules').delete();
    });

    afterAll(async () => {
      await l?.stop();
    });

    it('alerts the owner when a user stops a container by hand, and tells the recovery when it runs again', async () => {
      const name = fresh('web');
      await running(name);
      await docker().stop(name, { timeoutSeconds: 1 });
      const [alert] = await h.waitForSent('the stop alert', about(name));
      expect(alert).toEqual(
        expect.objectContaining({
          recipient: ALICE,
          topic: 'environment.alert',
          title: `watched-0: container ${name} was stopped (exit code 0, signal 15 (SIGTERM))`,
        }),
      );
      await eventually('the webhook', () =>
        h.hooks().some(b => b.data?.alert?.container === name),
      );
      const hook = h.hooks().find(b => b.data.alert.container === name)!;
      expect(hook).toEqual(
        expect.objectContaining({
          event: 'environment.alert',
          data: expect.objectContaining({
            environment: expect.objectContaining({ name: 'watched-0' }),
            alert: expect.objectContaining({
              kind: 'exit',
              details: expect.objectContaining({ exitCode: 0, signal: '15' }),
            }),
          }),
        }),
      );

      await docker().start(name);
      const [recovery] = await h.waitForSent('the recovery', t =>
        t.title.includes(`recovered: container ${name} (exit)`),
      );
      expect(recovery.topic).toBe('environment.alert_recovered');
      // same scope: the recovery updates the alert's notification
      expect(recovery.scope).toBe(alert.scope);
      expect(await incidents(name)).toEqual([
        expect.objectContaining({
          kind: 'exit',
          state: 'resolved',
          resolution: 'the container runs again',
        }),
      ]);
      // one notice per incident: the stop's `die` and `stop` events made one
      expect(h.sent.filter(about(name))).toHaveLength(1);
    });

    it('alerts a non-zero exit once its grace passed, and the removal clears it', async () => {
      const name = fresh('job');
      await docker().createContainer({
        name,
        image: 'nginx:latest',
        labels: { 'lab.exit.after.ms': '100', 'lab.exit.code': '3' },
      });
      await docker().start(name);
      const [alert] = await h.waitForSent('the exit alert', about(name));
      expect(alert.title).toBe(
        `watched-0: container ${name} exited (exit code 3)`,
      );
      await docker().remove(name);
      await h.waitForSent('the recovery', t =>
        t.title.includes(`recovered: container ${name}`),
      );
      expect((await incidents(name))[0].resolution).toBe(
        'the container was removed',
      );
    });

    it('names the OOM kill and the signal of a docker kill', async () => {
      const oom = fresh('hungry');
      const killed = fresh('victim');
      await running(oom);
      await running(killed);
      await engine(`/_lab/containers/${oom}/oom`);
      await engine(`/containers/${killed}/kill?signal=SIGKILL`);
      const [a] = await h.waitForSent('the OOM alert', about(oom));
      expect(a.title).toBe(
        `watched-0: container ${oom} exited (exit code 137, killed by the OOM killer)`,
      );
      const [b] = await h.waitForSent('the kill alert', about(killed));
      expect(b.title).toBe(
        `watched-0: container ${killed} was stopped (exit code 137, signal 9 (SIGKILL))`,
      );
    });

    it('turns five restarts of a crash loop into one crash-loop incident and one recovery, no exit alerts', async () => {
      const name = fresh('loop');
      const made = await docker().createContainer({
        name,
        image: 'nginx:latest',
        restartPolicy: 'always',
        labels: { 'lab.exit.after.ms': '50', 'lab.exit.code': '1' },
      });
      await docker().start(name);
      // after the fourth restart the program stays up: five exits, five restarts
      await eventually(
        'four restarts',
        async () =>
          (await l.direct(env['watched-0']).inspect(made.id)).restartCount >= 4,
        15_000,
      );
      await engine(`/_lab/containers/${name}/behaviour`, {
        exitAfterMs: 3_600_000,
      });
      const [alert] = await h.waitForSent('the crash-loop alert', about(name));
      expect(alert.title).toMatch(
        new RegExp(
          `^watched-0: container ${name} is crash-looping \\(3 restarts within 2 s; last exit code 1\\)$`,
        ),
      );
      await h.waitForSent(
        'the recovery',
        t => t.title === `watched-0: recovered: container ${name} (crash_loop)`,
        1,
        15_000,
      );
      const rows = await incidents(name);
      expect(rows.map(r => [r.kind, r.state])).toEqual([
        ['crash_loop', 'resolved'],
      ]);
      expect(Number(rows[0].count)).toBeGreaterThanOrEqual(2);
      expect(h.sent.filter(about(name))).toHaveLength(1);
      expect(
        h.sent.filter(t => t.title.includes(`recovered: container ${name}`)),
      ).toHaveLength(1);
      expect(
        (await l.direct(env['watched-0']).inspect(made.id)).restartCount,
      ).toBe(5);
    });

    it('alerts a health check turning unhealthy, and recovers when healthy again', async () => {
      const name = fresh('checked');
      await docker().createContainer({
        name,
        image: 'nginx:latest',
        labels: { 'lab.health.outcome': 'unhealthy' },
        healthcheck: {
          test: ['CMD-SHELL', 'check'],
          intervalMs: 100,
          retries: 1,
        },
      });
      await docker().start(name);
      const [alert] = await h.waitForSent('the unhealthy alert', about(name));
      expect(alert.title).toBe(`watched-0: container ${name} is unhealthy`);
      await engine(`/_lab/containers/${name}/behaviour`, {
        healthOutcome: 'healthy',
      });
      await h.waitForSent('the recovery', t =>
        t.title.includes(`recovered: container ${name} (unhealthy)`),
      );
    });

    it('records but tells nobody while the rules are silenced, and nothing when the rule is off', async () => {
      const rules = await h.actions.rules(env['watched-0'].id);
      await store.alertRules().put(
        env['watched-0'].id,
        {
          ...rules,
          silencedUntil: new Date(Date.now() + 60_000).toISOString(),
        },
        ALICE,
      );
      await store
        .alertRules()
        .put(
          env['watched-1'].id,
          { ...rules, exit: { enabled: false } },
          ALICE,
        );
      const quiet = fresh('quiet');
      const off = fresh('off');
      await running(quiet);
      await docker('watched-1').createContainer({
        name: off,
        image: 'nginx:latest',
      });
      await docker('watched-1').start(off);
      await docker().stop(quiet, { timeoutSeconds: 1 });
      await docker('watched-1').stop(off, { timeoutSeconds: 1 });
      await eventually('the silenced incident', async () =>
        (await incidents(quiet)).some(r => r.state === 'open'),
      );
      await docker().start(quiet);
      await eventually('resolved', async () =>
        (await incidents(quiet)).some(r => r.state === 'resolved'),
      );
      await new Promise(r => setTimeout(r, 500));
      expect(h.sent.filter(t => t.title.includes(quiet))).toEqual([]);
      expect(h.sent.filter(t => t.title.includes(off))).toEqual([]);
      expect(Boolean((await incidents(quiet))[0].silenced)).toBe(true);
      expect(await incidents(off)).toEqual([]);
      expect(
        await knex('deliveries')
          .where('event', 'like', 'environment.alert%')
          .whereRaw('payload like ?', [`%${quiet}%`]),
      ).toEqual([]);
    });

    it('alerts nobody for the portal’s own stops (an operation running, or just ended)', async () => {
      const name = fresh('paused');
      await running(name);
      const op = await store.operations().insert({
        environmentId: env['watched-0'].id,
        kind: 'pause',
        input: {},
        requestedBy: ALICE,
        lockKey: null,
      });
      const after = fresh('after');
      await running(after);
      await docker().stop(name, { timeoutSeconds: 1 });
      await knex('operations')
        .where({ id: op.id })
        .update({ status: 'succeeded', ended_at: new Date() });
      // within the window after it ended
      await docker().stop(after, { timeoutSeconds: 1 });
      await seen.waitFor(
        'the stops',
        f => f.kind === 'stopped' && f.container.name === after,
      );
      await new Promise(r => setTimeout(r, 1500));
      expect(
        seen.facts
          .filter(
            f =>
              f.kind === 'stopped' && [name, after].includes(f.container.name),
          )
          .map(f => f.portalMade?.kind),
      ).toEqual(['pause', 'pause']);
      expect(await incidents(name)).toEqual([]);
      expect(await incidents(after)).toEqual([]);
      expect(
        h.sent.filter(t => t.title.includes(name) || t.title.includes(after)),
      ).toEqual([]);
      // out of the later tests' window
      await knex('operations')
        .where({ id: op.id })
        .update({ ended_at: new Date(Date.now() - 3_600_000) });
    });

    it('alerts once through a stream cut every 300 ms', async () => {
      await w.stop();
      l.lab.portainer.control.injectFault({
        operation: 'portainer.docker.events',
        times: Infinity,
        action: { kind: 'cut', afterMs: 300 },
      });
      await startWatchers();
      const name = fresh('cut');
      await running(name);
      await new Promise(r => setTimeout(r, 700));
      await docker().stop(name, { timeoutSeconds: 1 });
      await h.waitForSent('the stop alert', about(name));
      await new Promise(r => setTimeout(r, 1500));
      expect((await w.figures()).reconnects).toBeGreaterThanOrEqual(2);
      expect(h.sent.filter(about(name))).toHaveLength(1);
      expect(await incidents(name)).toHaveLength(1);
    });
  },
);
