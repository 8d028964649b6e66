import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
// The docker-env backend's own test harness: its plugin with the real permission backend and its policy.
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import request from 'supertest';
import { catalogModuleDockerEnv } from './module';

jest.setTimeout(60_000);

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

/**
 * The docker-env plugin gets the test's database (the test writes its rows straight into it); every other plugin
 * its own: two plugins migrating one SQLite database at once collide on knex's migration lock.
 */
function databasePerPlugin(
  dockerEnvKnex: Awaited<ReturnType<typeof databases.init>>,
) {
  return createServiceFactory({
    service: coreServices.database,
    deps: { pluginMetadata: coreServices.pluginMetadata },
    async factory({ pluginMetadata }) {
      const client =
        pluginMetadata.getId() === 'docker-env'
          ? dockerEnvKnex
          : await databases.init('SQLITE_3');
      return { getClient: async () => client };
    },
  });
}

/** Runs one full sync and measures until `probe` sees its effect in the catalog API. */
async function syncUntil<T>(probe: () => Promise<T | undefined>): Promise<T> {
  await scheduler.triggerTask(FULL_SYNC_TASK);
  return waitFor(probe, 5000);
}

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
describe('full sync through the docker-env API', () => {
  let server: any;
  let knex: Awaited<ReturnType<typeof databases.init>>;

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    ({ server } = await startDockerEnvTestBackend({
      config: {
        catalog: {
          rules: [{ allow: ['Resource'] }],
          providers: {
            dockerEnv: {
              schedule: { frequency: { hours: 1 }, timeout: { seconds: 30 } },
            },
          },
        },
      },
      features: [
        databasePerPlugin(knex),
        catalogPlugin,
        catalogModuleDockerEnv,
        schedulerProbe,
      ],
    }));
  });

  const entity = async (name: string) => {
    const res = await request(server)
      .get(`/api/catalog/entities/by-name/resource/default/${name}`)
      .set('Authorization', mockCredentials.service.header());
    if (res.status === 404) return null;
    return res.status === 200 ? res.body : res.status;
  };

  it('publishes created, changed and deleted environments within 5 s', async () => {
    const now = new Date();
    await knex('environments').insert({
      id: '00000000-0000-4000-8000-000000000001',
      name: 'synced-env',
      owner: 'group:default/team-a',
      status: 'provisioning',
      size: 'S',
      cpu_cores: 1,
      memory_mb: 2048,
      disk_gb: 16,
      purpose: 'Full sync',
      created_by: 'user:default/alice',
      created_at: now,
      updated_at: now,
    });
    const created = await syncUntil(
      async () => (await entity('synced-env')) || undefined,
    );
    expect(created).toMatchObject({
      spec: { type: 'docker-environment', owner: 'group:default/team-a' },
      metadata: { annotations: { 'docker-env.io/status': 'provisioning' } },
    });

    await knex('environments')
      .where({ name: 'synced-env' })
      .update({
        status: 'ready',
        vmid: 123,
        node: 'pve1',
        url: 'https://synced-env.apps.test',
        facts: JSON.stringify({ vmid: 123, netboxVmId: 41, endpointId: 7 }),
      });
    const changed = await syncUntil(async () => {
      const e = await entity('synced-env');
      return e?.metadata?.annotations?.['docker-env.io/status'] === 'ready'
        ? e
        : undefined;
    });
    expect(changed.metadata.annotations).toMatchObject({
      'docker-env.io/vmid': '123',
      'docker-env.io/node': 'pve1',
      'docker-env.io/netbox-vm-id': '41',
      'docker-env.io/portainer-endpoint-id': '7',
    });
    expect(changed.metadata.links).toEqual([
      expect.objectContaining({ url: 'https://synced-env.apps.test' }),
    ]);

    await knex('environments')
      .where({ name: 'synced-env' })
      .update({ status: 'deleted' });
    await syncUntil(async () =>
      (await entity('synced-env')) === null ? true : undefined,
    );
  });
});
