/*
 * Benchmark of the container watchers (issue 23; prints figures, not a unit test). 500 lab environments (guests with
 * an engine and an agent, each behind a Portainer endpoint) watched by ONE replica's watchers through Portainer's
 * Docker proxy, with the lab at its realistic latencies (scale 1) after set-up; container changes are made directly
 * on random engines at about 10 events per second overall for 60 s. Figures: events and facts per second, lag (event
 * time to delivered fact) p50/p95/max (target p95 <= 1 s), and CPU and memory of the process.
 *
 * CAVEAT: the lab runs in the same process as the watchers (its 1,000 servers and the event generator), so the CPU
 * and memory printed are those of replica AND lab together: an upper bound for the replica.
 *
 * Run: (cd plugins/docker-env-backend && yarn backstage-cli package test --ci --roots '<rootDir>/../bench' --testMatch '**\/watcher.bench.ts')
 */
import knexFactory from 'knex';
import { DatabaseDockerEnvStore } from '../src/store';
import {
  collectingSubscriber,
  eventually,
  labWatchers,
} from '../src/watcher/__testUtils__/watcherLab';
import { startWatcherLab } from '@docker-env/lab-testing/backend/watcherLab';

jest.setTimeout(900_000);

const ENVIRONMENTS = 500;
const SECONDS = 60;
/** One change every 150 ms: create (1 event), start (1), stop (kill, die, stop: 3), remove (1): ~10 events/s. */
const CHANGE_EVERY_MS = 150;

it('watches 500 environments at 10 events per second', async () => {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  await DatabaseDockerEnvStore.migrateUp(knex);
  const store = DatabaseDockerEnvStore.fromKnex(knex);
  const setup = Date.now();
  const l = await startWatcherLab(ENVIRONMENTS, 0);
  l.lab.portainer.control.setLatencyScale(1);
  l.lab.guests.control.setLatencyScale(1);
  console.log(`lab: ${ENVIRONMENTS} environments in ${Date.now() - setup} ms`);
  const sub = collectingSubscriber();
  const w = labWatchers({
    ownerId: 'bench',
    leases: store.watchLeases(),
    targets: async () => l.engines,
    channel: l.channel,
    subscribers: [sub.subscriber],
    leaseMs: 15_000,
    fullPassMs: 300_000,
  });
  const opened = Date.now();
  w.start();
  await eventually(
    'all streams open',
    async () => (await w.figures()).streamsOpen === ENVIRONMENTS,
    120_000,
  );
  console.log(`${ENVIRONMENTS} streams open in ${Date.now() - opened} ms`);
  await new Promise(r => setTimeout(r, 2000));
  const before = await w.figures();
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const steps = ['create', 'start', 'stop', 'remove'] as const;
  for (let k = 0; Date.now() - t0 < SECONDS * 1000; k++) {
    // one environment goes through its four steps, then the next one
    const d = l.direct(l.engines[Math.floor(k / 4) % ENVIRONMENTS]);
    const name = `bench-${Math.floor(k / (4 * ENVIRONMENTS))}`;
    const step = steps[k % 4];
    // not awaited: the load keeps its rate whatever the engine's latency
    const change = {
      create: () => d.createContainer({ name, image: 'nginx:latest' }),
      start: () => d.start(name),
      stop: () => d.stop(name, { timeoutSeconds: 1 }),
      remove: () => d.remove(name),
    }[step];
    change().catch(() => undefined);
    await new Promise(r => setTimeout(r, CHANGE_EVERY_MS));
  }
  const wall = (Date.now() - t0) / 1000;
  await new Promise(r => setTimeout(r, 2000));
  const cpu = process.cpuUsage(cpu0);
  const after = await w.figures();
  const mem = process.memoryUsage();
  const events = after.eventsReceived - before.eventsReceived;
  const facts = after.factsDelivered - before.factsDelivered;
  console.log(
    [
      `environments watched: ${after.environments}, streams open: ${after.streamsOpen}, reconnects: ${after.reconnects}`,
      `events: ${events} in ${wall.toFixed(1)} s = ${(events / wall).toFixed(
        1,
      )}/s; facts: ${facts} = ${(facts / wall).toFixed(1)}/s`,
      `lag ms (last ${after.lagMs?.samples}): p50 ${after.lagMs?.p50}, p95 ${after.lagMs?.p95}, max ${after.lagMs?.max} (target p95 <= 1000)`,
      `CPU (replica + lab, same process): user ${(cpu.user / 1e6).toFixed(
        1,
      )} s + system ${(cpu.system / 1e6).toFixed(1)} s over ${wall.toFixed(
        1,
      )} s = ${((100 * (cpu.user + cpu.system)) / 1e6 / wall).toFixed(
        0,
      )} % of one core`,
      `memory (replica + lab): rss ${(mem.rss / 2 ** 20).toFixed(
        0,
      )} MiB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`,
    ].join('\n'),
  );
  await w.stop();
  await l.stop();
  await knex.destroy();
  // a figure, not a timing assertion: the run is only meaningful if facts flowed
  expect(facts).toBeGreaterThan(0);
});
