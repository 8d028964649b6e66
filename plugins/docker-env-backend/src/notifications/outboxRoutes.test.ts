import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';

jest.setTimeout(60_000);

const API = '/api/docker-env';
const TEAM = 'group:default/team-a';
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

/**
 * No request waits on a receiver: with the only webhook subscriber answering 503 to everything, or never answering,
 * an admin's approval answers in its usual time, and the webhook stays in the outbox for the retry task.
 */
describe.each([
  ['answers 503 to everything', 'fail'],
  ['never answers', 'hang'],
] as const)('with a webhook receiver that %s', (_, mode) => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  let knex: Knex;
  let hook: Server;
  let hits = 0;
  let seq = 0;

  beforeAll(async () => {
    hook = createServer((_req, res) => {
      hits++;
      if (mode === 'fail') {
        res.statusCode = 503;
        res.end();
      }
    });
    await new Promise<void>(r => hook.listen(0, '127.0.0.1', r));
    const port = (hook.address() as AddressInfo).port;
    knex = await databases.init('SQLITE_3');
    ({ server } = await startDockerEnvTestBackend({
      knex,
      config: {
        dockerEnv: {
          quotas: {
            default: {
              cpuCores: 1,
              memoryMb: 65536,
              diskGb: 1000,
              environments: 5,
              containers: 5,
            },
          },
          webhooks: { allowPrivateNetworks: true, timeoutMs: 10_000 },
          notifier: {
            webhooks: [
              {
                url: `http://127.0.0.1:${port}/hook`,
                secret: 'route-test-secret-0123456789',
              },
            ],
          },
        },
      },
    }));
  });
  afterAll(async () => {
    hook.closeAllConnections();
    await new Promise(r => hook.close(r));
  });

  it('an admin approval answers within its usual time and leaves the webhook to the outbox', async () => {
    const held = await request(server)
      .post(`${API}/environments`)
      .set('Authorization', as('carol'))
      .send({ name: `outbox-route-${mode}-${++seq}`, owner: TEAM, size: 'M' });
    expect(held.status).toBe(202);
    expect(held.body.environment.status).toBe('pending_approval');

    const started = Date.now();
    const approved = await request(server)
      .post(`${API}/requests/${held.body.request.id}/approve`)
      .set('Authorization', as('root'));
    const tookMs = Date.now() - started;
    expect(approved.status).toBe(200);
    expect(tookMs).toBeLessThan(1500);

    const webhook = await knex('deliveries')
      .where({
        environment_id: held.body.environment.id,
        channel: 'webhook',
        event: 'environment.approved',
      })
      .first();
    expect(webhook).toMatchObject({ status: 'pending' });
    expect(webhook.delivery_id).toMatch(/^[0-9a-f-]{36}$/);
    // the immediate try reached the receiver (and failed or hangs) without holding the answer
    for (let i = 0; i < 50 && hits === 0; i++)
      await new Promise(r => setTimeout(r, 100));
    expect(hits).toBeGreaterThan(0);
  });
});
