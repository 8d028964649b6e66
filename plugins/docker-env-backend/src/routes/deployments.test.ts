import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';

jest.setTimeout(60_000);

const API = '/api/docker-env';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('deployment token and deployment routes', () => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  let knex: Knex;
  let seq = 0;

  /** A ready environment of alice's whose provisioning learnt its address. */
  async function environment(status = 'ready'): Promise<string> {
    const name = `dep${++seq}`;
    const res = await request(server)
      .post(`${API}/environments`)
      .set('Authorization', as('alice'))
      .send({ name, owner: 'user:default/alice', size: 'S' });
    if (res.status !== 202) throw new Error(`seeding ${name}: ${res.status}`);
    await knex('operations')
      .where({ id: res.body.operation.id })
      .update({
        status: 'succeeded',
        result: JSON.stringify({ ip: '10.0.0.5', endpointId: 7 }),
      });
    // the row carries what the provisioning learnt, as the end of the operation leaves it
    await knex('environments')
      .where({ id: res.body.environment.id })
      .update({
        status,
        facts: JSON.stringify({ ip: '10.0.0.5', endpointId: 7 }),
      });
    return name;
  }

  const tokenFor = async (name: string, user = 'alice') => {
    const res = await request(server)
      .post(`${API}/environments/${name}/tokens`)
      .set('Authorization', as(user))
      .send({ description: 'gitlab' });
    expect(res.status).toBe(201);
    return res.body as { id: string; token: string };
  };
  const deploy = (name: string, token: string, body: object = {}) =>
    request(server)
      .post(`${API}/environments/${name}/deployments`)
      .set('X-Deploy-Token', token)
      .send({
        image: 'registry.example.com/team/app:1',
        container: 'web',
        port: 8000,
        healthPath: '/health',
        ...body,
      });

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    ({ server } = await startDockerEnvTestBackend({ knex }));
  });

  it('answers 401 on every route without credentials', async () => {
    const name = await environment();
    const calls = [
      request(server).get(`${API}/environments/${name}/tokens`),
      request(server).post(`${API}/environments/${name}/tokens`).send({}),
      request(server).delete(`${API}/environments/${name}/tokens/x`),
      request(server).get(`${API}/environments/${name}/deployments`),
      request(server).get(`${API}/environments/${name}/deployments/x`),
      request(server).post(`${API}/environments/${name}/deployments`).send({}),
      // the environments routes behind the same prefix policy still want a user
      request(server).get(`${API}/environments`),
      request(server).get(`${API}/environments/${name}`),
    ];
    for (const call of calls) {
      const res = await call.set(
        'Authorization',
        mockCredentials.none.header(),
      );
      expect(res.status).toBe(401);
    }
  });

  it('tokens: created (shown once), listed with last use, revoked; only by who may update the environment', async () => {
    const name = await environment();
    const created = await tokenFor(name);
    expect(created.token).toMatch(/^dep_/);
    const bob = await request(server)
      .get(`${API}/environments/${name}/tokens`)
      .set('Authorization', as('bob'));
    expect([403, 404]).toContain(bob.status);
    expect((await deploy(name, created.token)).status).toBe(202);
    const listed = await request(server)
      .get(`${API}/environments/${name}/tokens`)
      .set('Authorization', as('alice'));
    expect(listed.body).toEqual({
      items: [
        expect.objectContaining({
          id: created.id,
          description: 'gitlab',
          lastUsedAt: expect.any(String),
        }),
      ],
    });
    expect(JSON.stringify(listed.body)).not.toContain(created.token);
    const revoked = await request(server)
      .delete(`${API}/environments/${name}/tokens/${created.id}`)
      .set('Authorization', as('alice'));
    expect(revoked.status).toBe(204);
    expect((await deploy(name, created.token)).status).toBe(401);
  });

  it('deploys with a token: 202 queued with the spec and the environment facts; the token never stored in clear', async () => {
    const name = await environment();
    const { token } = await tokenFor(name);
    const res = await deploy(name, token, {
      env: { API_KEY: 'x' },
      labels: { team: 'a' },
      registryAuth: { username: 'ci', password: 'registry-password-1' },
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      kind: 'deploy',
      status: 'queued',
      requestedBy: 'user:default/alice',
      input: {
        ip: '10.0.0.5',
        endpointId: 7,
        deployment: {
          image: 'registry.example.com/team/app:1',
          container: 'web',
          port: 8000,
        },
      },
    });
    const byToken = await request(server)
      .get(`${API}/environments/${name}/deployments/${res.body.id}`)
      .set('X-Deploy-Token', token);
    expect(byToken.status).toBe(200);
    expect(byToken.body.id).toBe(res.body.id);
    const byUser = await request(server)
      .get(`${API}/environments/${name}/deployments/${res.body.id}`)
      .set('Authorization', as('alice'));
    expect(byUser.status).toBe(200);
    const stranger = await request(server)
      .get(`${API}/environments/${name}/deployments/${res.body.id}`)
      .set('Authorization', as('bob'));
    expect([403, 404]).toContain(stranger.status);
    const history = await request(server)
      .get(`${API}/environments/${name}/deployments`)
      .set('Authorization', as('alice'));
    expect(history.body.items.map((d: { id: string }) => d.id)).toEqual([
      res.body.id,
    ]);
    // env keys only, no reference to the sealed values
    expect(res.body.input.deployment.envKeys).toEqual(['API_KEY']);
    expect(res.body.input.deployment.env).toBeUndefined();
    expect(res.body.input.secretsRef).toBeUndefined();
    expect(JSON.stringify(byUser.body)).not.toContain('registry-password-1');
    const secret = token.slice('dep_'.length + 33);
    for (const table of [
      'deploy_tokens',
      'operations',
      'operation_steps',
      'audit_events',
      'deployment_secrets',
    ]) {
      const rows = JSON.stringify(await knex(table).select());
      expect(rows).not.toContain(secret);
      expect(rows).not.toContain('registry-password-1');
    }
  });

  it('refuses: wrong environment 403, expired 401, bad field 400, paused 409 with how to resume, busy 409', async () => {
    const name = await environment();
    const other = await environment();
    const { token, id } = await tokenFor(name);
    expect((await deploy(other, token)).status).toBe(403);
    // a valid token learns nothing about other names either
    expect((await deploy('nosuchenv', token)).status).toBe(403);
    expect(
      (
        await request(server)
          .get(`${API}/environments/${other}/deployments/x`)
          .set('X-Deploy-Token', token)
      ).status,
    ).toBe(403);
    const bad = await deploy(name, token, { port: 70000 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^port: /);
    expect(
      (await deploy(name, token, { container: 'Web_1' })).body.error.message,
    ).toMatch(/^container: /);
    const noPassword = await deploy(name, token, {
      registryAuth: { username: 'u' },
    });
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.error.message).toMatch(/^registryAuth\.password: /);

    expect((await deploy(name, token)).status).toBe(202);
    const again = await deploy(name, token);
    expect(again.status).toBe(409);
    expect((await deploy(name, token, { container: 'api' })).status).toBe(202);

    await knex('environments').where({ name }).update({ status: 'paused' });
    const paused = await deploy(name, token, { container: 'other' });
    expect(paused.status).toBe(409);
    expect(paused.body.error.message).toMatch(/resume/);
    await knex('environments').where({ name }).update({ status: 'ready' });

    await knex('deploy_tokens')
      .where({ id })
      .update({ expires_at: new Date(Date.now() - 1000) });
    expect((await deploy(name, token, { container: 'late' })).status).toBe(401);
  });

  it('a lifecycle operation waits for a rollout (409)', async () => {
    const name = await environment();
    const { token } = await tokenFor(name);
    const deployment = await deploy(name, token);
    expect(deployment.status).toBe(202);
    const pause = await request(server)
      .post(`${API}/environments/${name}/pause`)
      .set('Authorization', as('alice'));
    expect(pause.status).toBe(409);
    expect(pause.body.error.message).toContain(deployment.body.id);
  });

  it('refuses while a lifecycle operation runs (409)', async () => {
    const name = await environment();
    const { token } = await tokenFor(name);
    const snapshot = await request(server)
      .post(`${API}/environments/${name}/snapshots`)
      .set('Authorization', as('alice'))
      .send({});
    expect(snapshot.status).toBe(202);
    const res = await deploy(name, token);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/snapshot_create/);
  });

  it("rate-limits 10 deployments per token owner per hour, across the owner's tokens, with Retry-After", async () => {
    const name = await environment();
    const second = await environment();
    const a = await tokenFor(name);
    const b = await tokenFor(second);
    // alice's earlier deployments in this file are in the same hour: start from a clean count
    await knex('operations').where({ kind: 'deploy' }).delete();
    for (let i = 0; i < 10; i++)
      expect(
        (
          await deploy(i % 2 ? name : second, i % 2 ? a.token : b.token, {
            container: `c${i}`,
          })
        ).status,
      ).toBe(202);
    const limited = await deploy(name, a.token, { container: 'c10' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(3500);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(3600);
  });
});
