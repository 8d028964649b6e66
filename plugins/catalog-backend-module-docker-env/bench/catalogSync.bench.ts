/*
 * Benchmark (prints figures; not a unit test): 10,000 environments in the docker-env tables, on SQLite and on the
 * test PostgreSQL, then
 *   1. cold fill: one full sync into an empty catalog, until the catalog API lists all 10,000;
 *   2. resync: the scheduled full sync of a catalog that already lists them, with 1% changed, 1% added and 1%
 *      removed since the last sync, until the catalog API shows every change.
 * Run: (cd plugins/catalog-backend-module-docker-env && yarn bench). Settings: BENCH_DATABASES=SQLITE_3,POSTGRES_15,
 * BENCH_TOTAL (10000), BENCH_GIVE_UP_MS (cold fill, 600000), BENCH_PG_POOL_MAX (catalog pool on PostgreSQL, 10),
 * BENCH_PROCESSING_INTERVAL_MINUTES (`catalog.processingInterval`; the README's recommended 30, or `default` for the
 * catalog's own 100-150 s).
 */
import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
// The docker-env backend's own test harness: its plugin with the real permission backend and its policy.
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import { storeTestDatabaseIds } from '@docker-env/lab-testing/backend/databases';
import knexFactory, { Knex } from 'knex';
import os from 'node:os';
import request from 'supertest';
import { catalogModuleDockerEnv } from '../src/module';

const TOTAL = Number(process.env.BENCH_TOTAL ?? 10_000);
const TARGET_MS = 10_000;
const GIVE_UP_MS = Number(process.env.BENCH_GIVE_UP_MS ?? 600_000);
const FULL_SYNC_TASK = 'docker-env-entity-provider:full-sync';
const CHANGED = Math.max(1, Math.round(TOTAL / 100));
const INTERVAL = process.env.BENCH_PROCESSING_INTERVAL_MINUTES ?? '30';
/** The README's recommended `catalog.processingInterval`, or none (the catalog's default) for `default`. */
const processingInterval =
  INTERVAL === 'default'
    ? {}
    : { processingInterval: { minutes: Number(INTERVAL) } };

const databases = TestDatabases.create({
  ids: storeTestDatabaseIds().filter(
    id =>
      !process.env.BENCH_DATABASES ||
      process.env.BENCH_DATABASES.split(',').includes(id),
  ),
});

/** The test backend's scheduler runs a task only when triggered; the probe captures it (see fullSync.test.ts). */
let scheduler: SchedulerService;
const schedulerProbe = createBackendPlugin({
  pluginId: 'scheduler-probe',
  register(env) {
    env.registerInit({
      deps: { scheduler: coreServices.scheduler },
      async init(deps) {
        scheduler = deps.scheduler;
      },
    });
  },
});

/** Each plugin its own database, as in a real installation: docker-env and catalog the given ones. */
function databasePerPlugin(id: TestDatabaseId, dockerEnv: Knex, catalog: Knex) {
  return createServiceFactory({
    service: coreServices.database,
    deps: { pluginMetadata: coreServices.pluginMetadata },
    async factory({ pluginMetadata }) {
      const pluginId = pluginMetadata.getId();
      let client = catalog;
      if (pluginId === 'docker-env') client = dockerEnv;
      else if (pluginId !== 'catalog') client = await databases.init(id);
      return { getClient: async () => client };
    },
  });
}

/**
 * The catalog's database; on PostgreSQL a client of its own with the pool a real installation has (backend-defaults
 * leaves knex's max of 10) instead of the test pool of 5. The caller destroys it.
 */
async function catalogDatabase(id: TestDatabaseId): Promise<Knex | undefined> {
  if (id !== 'POSTGRES_15') return undefined;
  const test = await databases.init(id);
  return knexFactory({
    client: 'pg',
    connection: test.client.config.connection,
    pool: { min: 0, max: Number(process.env.BENCH_PG_POOL_MAX ?? 10) },
  });
}

const loadAverage = () =>
  os
    .loadavg()
    .map(l => l.toFixed(1))
    .join(' ');

function environmentRow(i: number, now: Date) {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `bench-${String(i).padStart(5, '0')}`,
    owner: i % 2 ? 'group:default/team-a' : 'user:default/alice',
    status: 'ready',
    size: 'S',
    cpu_cores: 1,
    memory_mb: 2048,
    disk_gb: 16,
    purpose: '',
    created_by: 'user:default/seed',
    created_at: now,
    updated_at: now,
  };
}

describe.each(databases.eachSupportedId())('%p', id => {
  it(`syncs ${TOTAL} environments into the catalog`, async () => {
    const knex = await databases.init(id);
    const ownCatalogKnex = await catalogDatabase(id);
    const catalogKnex = ownCatalogKnex ?? (await databases.init(id));
    const backend = await startDockerEnvTestBackend({
      config: {
        catalog: {
          ...processingInterval,
          rules: [{ allow: ['Resource'] }],
          providers: {
            dockerEnv: {
              schedule: { frequency: { hours: 1 }, timeout: { minutes: 5 } },
            },
          },
        },
      },
      features: [
        databasePerPlugin(id, knex, catalogKnex),
        catalogPlugin,
        catalogModuleDockerEnv,
        schedulerProbe,
      ],
    });
    const query = (filter: string) =>
      request(backend.server)
        .get(`/api/catalog/entities/by-query?filter=${filter}&limit=1`)
        .set('Authorization', mockCredentials.service.header())
        .then(res => Number(res.body.totalItems ?? 0));
    const listed = () => query('kind=resource,spec.type=docker-environment');
    const setting = `processingInterval ${
      INTERVAL === 'default' ? 'default' : `${INTERVAL} min`
    }`;
    /** Polls every 250 ms until `done`, logging progress every 10 s; the elapsed ms, or undefined after `giveUpMs`. */
    const measure = async (
      label: string,
      done: () => Promise<boolean>,
      giveUpMs: number,
    ) => {
      const t0 = Date.now();
      const cpu0 = process.cpuUsage();
      await scheduler.triggerTask(FULL_SYNC_TASK);
      const syncedMs = Date.now() - t0;
      let lastLog = 0;
      for (;;) {
        const elapsed = Date.now() - t0;
        if (await done()) {
          const cpu = process.cpuUsage(cpu0);
          return { elapsed, syncedMs, cpuMs: (cpu.user + cpu.system) / 1000 };
        }
        if (elapsed > giveUpMs) return { elapsed: undefined, syncedMs };
        if (elapsed - lastLog >= 10_000) {
          lastLog = elapsed;
          console.log(
            `${id} ${label} +${elapsed} ms: ${await listed()} listed; load ${loadAverage()}`,
          );
        }
        await new Promise(r => setTimeout(r, 250));
      }
    };
    try {
      const now = new Date();
      const rows = Array.from({ length: TOTAL }, (_, i) =>
        environmentRow(i, now),
      );
      for (let i = 0; i < rows.length; i += 200)
        await knex('environments').insert(rows.slice(i, i + 200));

      const cold = await measure(
        'cold fill',
        async () => (await listed()) >= TOTAL,
        GIVE_UP_MS,
      );
      const count = await listed();
      console.log(
        `${id} (${setting}) cold fill of ${TOTAL}: API read + applyMutation ${
          cold.syncedMs
        } ms; ${count} listed after ${
          cold.elapsed ?? `${GIVE_UP_MS} ms (gave up)`
        } ms; ${Math.round(
          (count * 1000) / (cold.elapsed ?? GIVE_UP_MS),
        )} entities/s; ${
          cold.cpuMs
            ? `${(cold.cpuMs / TOTAL).toFixed(1)} ms node CPU per entity; `
            : ''
        }target <= ${TARGET_MS} ms ${
          cold.elapsed !== undefined && cold.elapsed <= TARGET_MS
            ? 'MET'
            : 'NOT MET'
        }; load ${loadAverage()}`,
      );
      if (cold.elapsed === undefined) {
        throw new Error(
          `${id}: cold fill did not list all ${TOTAL} within ${GIVE_UP_MS} ms (target ${TARGET_MS} ms)`,
        );
      }

      // Since the last sync: CHANGED environments paused, CHANGED new ones, CHANGED deleted.
      const changed = rows.slice(0, CHANGED).map(r => r.name);
      await knex('environments')
        .whereIn('name', changed)
        .update({ status: 'paused' });
      await knex('environments')
        .whereIn(
          'name',
          rows.slice(CHANGED, 2 * CHANGED).map(r => r.name),
        )
        .update({ status: 'deleted' });
      const added = Array.from({ length: CHANGED }, (_, i) =>
        environmentRow(TOTAL + i, now),
      );
      for (let i = 0; i < added.length; i += 200)
        await knex('environments').insert(added.slice(i, i + 200));
      const resync = await measure(
        'resync',
        async () =>
          (await listed()) === TOTAL &&
          (await query(
            'kind=resource,spec.type=docker-environment,metadata.annotations.docker-env.io/status=paused',
          )) === CHANGED,
        60_000,
      );
      console.log(
        `${id} (${setting}) resync of ${TOTAL} (${CHANGED} changed, ${CHANGED} added, ${CHANGED} removed): API read + applyMutation ${
          resync.syncedMs
        } ms; all changes listed after ${
          resync.elapsed ?? 'more than 60000'
        } ms; target <= ${TARGET_MS} ms ${
          resync.elapsed !== undefined && resync.elapsed <= TARGET_MS
            ? 'MET'
            : 'NOT MET'
        }; load ${loadAverage()}`,
      );
      const within = (ms?: number) => ms !== undefined && ms <= TARGET_MS;
      expect({
        coldFillWithinTarget: within(cold.elapsed),
        resyncWithinTarget: within(resync.elapsed),
      }).toEqual({ coldFillWithinTarget: true, resyncWithinTarget: true });
    } finally {
      await backend.stop();
      await ownCatalogKnex?.destroy();
    }
  }, 3_600_000);
});
