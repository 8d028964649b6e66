import { mockCredentials } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import { ACTIVE_OPERATION_STATUSES } from '@docker-env/plugin-docker-env-common';

jest.setTimeout(120_000);

const API = '/api/docker-env';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const databases = createStoreTestDatabases();

/**
 * The locks taken in the inserting transaction (`locks.ts`), through the HTTP API: lifecycle operations take the
 * environment exclusively, deployments take it shared plus their container's key, so a DELETE and a rollout never
 * both run, whatever the interleaving of the two requests.
 */
describe.each(databases.eachSupportedId())('operation locks on %s', id => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  let knex: Knex;
  let seq = 0;

  /** A ready environment of `user`'s (each user's deployments count against their own hourly rate limit). */
  async function environment(
    user = 'alice',
  ): Promise<{ name: string; id: string }> {
    const name = `lock${++seq}`;
    const res = await request(server)
      .post(`${API}/environments`)
      .set('Authorization', as(user))
      .send({ name, owner: `user:default/${user}`, size: 'S' });
    if (res.status !== 202) throw new Error(`seeding ${name}: ${res.status}`);
    await knex('operations')
      .where({ id: res.body.operation.id })
      .update({
        status: 'succeeded',
        result: JSON.stringify({ ip: '10.0.0.5', endpointId: 7 }),
      });
    await knex('environments')
      .where({ id: res.body.environment.id })
      .update({
        status: 'ready',
        facts: JSON.stringify({ ip: '10.0.0.5', endpointId: 7 }),
      });
    return { name, id: res.body.environment.id };
  }

  const tokenFor = async (name: string, user = 'alice') => {
    const res = await request(server)
      .post(`${API}/environments/${name}/tokens`)
      .set('Authorization', as(user))
      .send({ description: 'ci' });
    expect(res.status).toBe(201);
    return res.body.token as string;
  };
  const deploy = (name: string, token: string, container = 'web') =>
    request(server)
      .post(`${API}/environments/${name}/deployments`)
      .set('X-Deploy-Token', token)
      .send({
        image: 'registry.example.com/team/app:1',
        container,
        port: 8000,
        healthPath: '/health',
      });
  const remove = (name: string, user = 'alice') =>
    request(server)
      .delete(`${API}/environments/${name}`)
      .query({ confirmName: name })
      .set('Authorization', as(user));
  const active = (environmentId: string) =>
    knex('operations')
      .where({ environment_id: environmentId })
      .whereIn('status', ACTIVE_OPERATION_STATUSES)
      .select('kind');

  beforeAll(async () => {
    knex = await databases.init(id);
    ({ server } = await startDockerEnvTestBackend({ knex }));
  });

  it('a DELETE and a deployment sent together: exactly one is accepted, the other is a 409 naming it', async () => {
    const pairs = await Promise.all(
      // 8 per owner, under the hourly deployment rate limit of one token owner
      Array.from({ length: 24 }, async (_, i) => {
        const user = ['alice', 'carol', 'root'][i % 3];
        const env = await environment(user);
        return { env, user, token: await tokenFor(env.name, user) };
      }),
    );
    const answers = await Promise.all(
      pairs.map(({ env, user, token }, i) =>
        // half the pairs send the deployment first, half the DELETE
        i % 2
          ? Promise.all([deploy(env.name, token), remove(env.name, user)])
          : Promise.all([remove(env.name, user), deploy(env.name, token)]).then(
              ([removed, deployed]) => [deployed, removed] as const,
            ),
      ),
    );
    // first what ran: one operation per environment, whichever request won
    const outcomes = await Promise.all(
      answers.map(async ([deployed, removed], i) => ({
        statuses: [deployed.status, removed.status].sort(),
        active: (await active(pairs[i].env.id)).length,
      })),
    );
    expect(outcomes).toEqual(
      pairs.map(() => ({ statuses: [202, 409], active: 1 })),
    );
    // then what the loser was told
    for (const [deployed, removed] of answers) {
      const [winner, refused] =
        deployed.status === 202 ? [deployed, removed] : [removed, deployed];
      const winnerId = winner.body.id ?? winner.body.operation.id;
      expect(refused.body.error.message).toMatch(
        new RegExp(
          `^operation ${winnerId} \\((deploy|delete)\\) has been queued for \\d+ s on this environment`,
        ),
      );
    }
  });

  it('deployments of two containers run together; a lifecycle operation waits for both, and they for it', async () => {
    const env = await environment('bob');
    const token = await tokenFor(env.name, 'bob');
    expect((await deploy(env.name, token, 'web')).status).toBe(202);
    expect((await deploy(env.name, token, 'api')).status).toBe(202);
    const again = await deploy(env.name, token, 'web');
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/\(deploy\)/);
    const pause = await request(server)
      .post(`${API}/environments/${env.name}/pause`)
      .set('Authorization', as('bob'));
    expect(pause.status).toBe(409);
    expect(pause.body.error.message).toMatch(
      /^operation \S+ \(deploy\) has been queued for \d+ s/,
    );

    await knex('operations')
      .where({ environment_id: env.id, kind: 'deploy' })
      .update({ status: 'succeeded' });
    const snapshot = await request(server)
      .post(`${API}/environments/${env.name}/snapshots`)
      .set('Authorization', as('bob'))
      .send({});
    expect(snapshot.status).toBe(202);
    await knex('operations')
      .where({ id: snapshot.body.operation.id })
      .update({
        status: 'running',
        started_at: new Date(Date.now() - 90_000),
      });
    const blocked = await deploy(env.name, token, 'worker');
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.message).toBe(
      `operation ${snapshot.body.operation.id} (snapshot_create) has been running for 90 s on this environment; try again when it has ended`,
    );
  });
});
