import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  EventsService,
  eventsServiceFactory,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import { Environment } from '@docker-env/plugin-docker-env-common';
// The docker-env backend's own test harness: its plugin with the real permission backend and its policy.
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import request from 'supertest';
import { catalogModuleDockerEnv } from './module';

jest.setTimeout(60_000);

/**
 * Alice creates and reads, as a user of the portal does. The catalog asks the permission backend for a conditional
 * decision on her behalf (no resourceRef); the permission backend accepts that only from a plugin acting for a user
 * (a token with an `actor`), and answers 400 "Resource permissions require a resourceRef" to a bare user token. The
 * harness's auth service issues such tokens as the real one does (`testAuthFactory` in the backend's test helpers).
 */
const alice = mockCredentials.user.header('user:default/alice');

/** Captures the events service, to publish what the backend publishes when a record leaves the held statuses. */
let events: EventsService;
const eventsProbe = createBackendPlugin({
  pluginId: 'events-probe',
  register(env) {
    env.registerInit({
      deps: { events: eventsServiceRef, logger: coreServices.logger },
      async init(deps) {
        events = deps.events;
      },
    });
  },
});

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  withinMs: number,
): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return { value, ms: Date.now() - start };
    if (Date.now() - start > withinMs) {
      throw new Error(`not within ${withinMs} ms`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

describe('catalogModuleDockerEnv with the catalog and docker-env backends', () => {
  let server: any;

  beforeAll(async () => {
    ({ server } = await startDockerEnvTestBackend({
      config: {
        events: { useEventBus: 'never' },
        catalog: {
          rules: [{ allow: ['Resource'] }],
          // the full sync runs once at start (empty); every change below must arrive as a delta
          providers: {
            dockerEnv: {
              schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } },
            },
          },
        },
      },
      features: [
        catalogPlugin,
        catalogModuleDockerEnv,
        eventsServiceFactory,
        eventsProbe,
      ],
    }));
  });

  const entity = (name: string) =>
    request(server)
      .get(`/api/catalog/entities/by-name/resource/default/${name}`)
      .set('Authorization', alice);

  it('publishes a created environment within 5 s, and removes it when it no longer holds its name', async () => {
    const created = await request(server)
      .post('/api/docker-env/environments')
      .set('Authorization', alice)
      .send({
        name: 'shop-preview',
        owner: 'user:default/alice',
        size: 'S',
        purpose: 'Preview of the shop',
      });
    expect(created.status).toBe(202);
    const environment: Environment = created.body.environment;

    const appeared = await waitFor(async () => {
      const res = await entity('shop-preview');
      return res.status === 200 ? res.body : undefined;
    }, 5000);
    expect(appeared.value).toMatchObject({
      kind: 'Resource',
      spec: { type: 'docker-environment', owner: 'user:default/alice' },
      metadata: {
        annotations: {
          'docker-env.io/status': environment.status,
          'docker-env.io/environment-id': environment.id,
        },
      },
    });
    expect(appeared.value.relations).toEqual(
      expect.arrayContaining([
        { type: 'ownedBy', targetRef: 'user:default/alice' },
      ]),
    );

    // No delete route yet: publish the event the backend emits when the record becomes `failed`.
    const failed = { ...environment, status: 'failed' as const };
    await events.publish({
      topic: 'docker-env.environment',
      eventPayload: {
        id: failed.id,
        name: failed.name,
        owner: failed.owner,
        status: failed.status,
        change: 'status',
        environment: failed,
      },
    });
    await waitFor(async () => {
      const res = await entity('shop-preview');
      return res.status === 404 ? true : undefined;
    }, 5000);
  });
});
