/*
 * Benchmark (prints figures; not a unit test): 10,000 environments in the docker-env tables, one full sync through
 * the API, until the catalog API lists all 10,000. Run: (cd plugins/catalog-backend-module-docker-env && yarn bench)
 */
import {
  coreServices,
  createBackendPlugin,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
// The docker-env backend's own test harness: its plugin with the real permission backend and its policy.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import { startDockerEnvTestBackend } from '@docker-env/plugin-docker-env-backend/src/testing/backend';
import request from 'supertest';
import { catalogModuleDockerEnv } from '../src/module';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const FULL_SYNC_TASK = 'docker-env-entity-provider:full-sync';

/**
 * The test backend's scheduler (one mock shared by every plugin) runs each task once at start and then only when
 * triggered: it never follows a schedule's frequency, which is why a full-sync test that waited for the next run
 * failed. This probe captures it to trigger the provider's full sync, as the real scheduler does on its schedule.
 */
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

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  withinMs: number,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - start > withinMs)
      throw new Error(`not within ${withinMs} ms`);
    await new Promise(r => setTimeout(r, 100));
  }
}

/**
 * The full sync alone: records are written straight to the docker-env tables (no event is published), so only the
 * scheduled full sync through `GET /environments` with the catalog's service token can bring them to the catalog.
 */
const TOTAL = 10_000;

it('benchmarks a full sync of 10,000 environments into the catalog', async () => {
  const knex = await databases.init('SQLITE_3');
  const { server, stop } = await startDockerEnvTestBackend({
    knex,
    config: {
      catalog: {
        rules: [{ allow: ['Resource'] }],
        providers: {
          dockerEnv: {
            schedule: { frequency: { hours: 1 }, timeout: { minutes: 5 } },
          },
        },
      },
    },
    features: [catalogPlugin, catalogModuleDockerEnv, schedulerProbe],
  });
  try {
    const now = new Date();
    const rows = Array.from({ length: TOTAL }, (_, i) => ({
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
    }));
    for (let i = 0; i < rows.length; i += 200)
      await knex('environments').insert(rows.slice(i, i + 200));
    const listed = async () => {
      const res = await request(server)
        .get(
          '/api/catalog/entities/by-query?filter=kind=resource,spec.type=docker-environment&limit=1',
        )
        .set('Authorization', mockCredentials.service.header());
      return Number(res.body.totalItems ?? 0);
    };
    const t0 = Date.now();
    await scheduler.triggerTask(FULL_SYNC_TASK);
    const synced = Date.now() - t0;
    let count = 0;
    await waitFor(async () => {
      count = await listed();
      return count >= TOTAL ? true : undefined;
    }, 60_000).catch(() => undefined);
    const total = Date.now() - t0;
    console.log(
      `full sync of ${TOTAL} environments (SQLite): API read + applyMutation ${synced} ms; ${count} listed by the catalog API after ${total} ms (target <= 10000 ms)`,
    );
    expect(count).toBe(TOTAL);
  } finally {
    await stop();
  }
}, 600_000);
