import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';

jest.setTimeout(60_000);

const API = '/api/docker-env';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Every lifecycle route on environment `name`, as [method, path]. */
const routesOf = (name: string) =>
  [
    ['post', `/environments/${name}/pause`],
    ['post', `/environments/${name}/resume`],
    ['get', `/environments/${name}/snapshots`],
    ['post', `/environments/${name}/snapshots`],
    ['post', `/environments/${name}/snapshots/base/rollback`],
    ['delete', `/environments/${name}/snapshots/base`],
    ['delete', `/environments/${name}?confirmName=${name}`],
  ] as const;

describe('lifecycle routes', () => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  let knex: Knex;
  let seq = 0;

  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        ['environments', 'operations', 'audit_events'].map(async t => [
          t,
          Number((await knex(t).count({ n: '*' }))[0].n),
        ]),
      ),
    );

  /** A provisioned environment of alice's, in `status`, whose provisioning learnt vmid 100 and endpointId 7. */
  async function environment(status = 'ready'): Promise<string> {
    const name = `life${++seq}`;
    const res = await request(server)
      .post(`${API}/environments`)
      .set('Authorization', as('alice'))
      .send({ name, owner: 'user:default/alice', size: 'S' });
    if (res.status !== 202) throw new Error(`seeding ${name}: ${res.status}`);
    await knex('operations')
      .where({ id: res.body.operation.id })
      .update({
        status: 'succeeded',
        result: JSON.stringify({ vmid: 100, node: 'pve', endpointId: 7 }),
      });
    // the row carries what the provisioning learnt, as the end of the operation leaves it
    await knex('environments')
      .where({ id: res.body.environment.id })
      .update({
        status,
        vmid: 100,
        node: 'pve',
        facts: JSON.stringify({ vmid: 100, node: 'pve', endpointId: 7 }),
      });
    return name;
  }

  const call = (method: string, path: string, user = 'alice') =>
    (request(server) as any)
      [method](`${API}${path}`)
      .set('Authorization', as(user));

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    ({ server } = await startDockerEnvTestBackend({ knex }));
  });

  it('pause: 202, the environment pausing, the facts of provisioning handed to the operation, audited', async () => {
    const name = await environment();
    const res = await call('post', `/environments/${name}/pause`);
    expect(res.status).toBe(202);
    expect(res.body.environment.status).toBe('pausing');
    expect(res.body.operation).toMatchObject({
      kind: 'pause',
      status: 'queued',
      input: { vmid: 100, node: 'pve', endpointId: 7 },
    });
    const audit = await knex('audit_events')
      .where({ action: 'environment.pause', target: name })
      .first();
    expect(audit.result).toBe('succeeded');
  });

  it('resume: 202, resuming, with the containers the last pause recorded', async () => {
    const name = await environment('paused');
    const env = await knex('environments').where({ name }).first();
    const pause = await call('post', `/environments/${name}/pause`);
    expect(pause.status).toBe(409);
    await knex('operations').insert({
      ...(await knex('operations').where({ environment_id: env.id }).first()),
      id: '00000000-0000-4000-8000-000000000001',
      kind: 'pause',
      status: 'succeeded',
      lock_key: null,
      created_at: new Date(Date.now() + 1000),
      result: JSON.stringify({ runningContainers: ['web', 'db'] }),
    });
    await knex('environments')
      .where({ id: env.id })
      .update({
        facts: JSON.stringify({
          ...JSON.parse(env.facts),
          runningContainers: ['web', 'db'],
        }),
      });
    const res = await call('post', `/environments/${name}/resume`);
    expect(res.status).toBe(202);
    expect(res.body.environment.status).toBe('resuming');
    expect(res.body.operation).toMatchObject({
      kind: 'resume',
      input: { vmid: 100, runningContainers: ['web', 'db'] },
    });
  });

  it('snapshots: create 202 with a generated name and the description; a second while it is queued 409', async () => {
    const name = await environment();
    const res = await call('post', `/environments/${name}/snapshots`).send({
      description: 'before upgrade',
    });
    expect(res.status).toBe(202);
    expect(res.body.environment.status).toBe('ready');
    expect(res.body.operation.input).toMatchObject({
      snapshotName: expect.stringMatching(/^s\d{14}$/),
      snapshotDescription: 'before upgrade',
    });
    const second = await call('post', `/environments/${name}/pause`);
    expect(second.status).toBe(409);
    expect(second.body.error.message).toContain(
      `operation ${res.body.operation.id} (snapshot_create) has been queued for`,
    );
  });

  it('snapshots: rollback and delete 202 naming the snapshot', async () => {
    const name = await environment();
    const rollback = await call(
      'post',
      `/environments/${name}/snapshots/base/rollback`,
    );
    expect(rollback.status).toBe(202);
    expect(rollback.body.operation).toMatchObject({
      kind: 'snapshot_rollback',
      input: { snapshotName: 'base' },
    });
    await knex('operations')
      .where({ id: rollback.body.operation.id })
      .update({ status: 'succeeded' });
    const del = await call('delete', `/environments/${name}/snapshots/base`);
    expect(del.status).toBe(202);
    expect(del.body.operation).toMatchObject({
      kind: 'snapshot_delete',
      input: { snapshotName: 'base' },
    });
  });

  it('snapshots: a bad snapshot name is 400 naming it, and changes nothing', async () => {
    const name = await environment();
    const before = await counts();
    const res = await call(
      'post',
      `/environments/${name}/snapshots/1-bad/rollback`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^snapshot: must start/);
    expect(await counts()).toEqual(before);
  });

  it('snapshot list: 409 naming vmid before the CT exists', async () => {
    const name = await environment();
    await knex('environments').where({ name }).update({ vmid: null });
    const res = await call('get', `/environments/${name}/snapshots`);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/^vmid: /);
  });

  it('delete: confirmName must repeat the name (400, nothing changed); then 202 and deleting', async () => {
    const name = await environment('paused');
    const before = await counts();
    for (const query of ['', '?confirmName=other']) {
      const res = await call('delete', `/environments/${name}${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^confirmName: /);
    }
    expect(await counts()).toEqual(before);
    const res = await call(
      'delete',
      `/environments/${name}?confirmName=${name}`,
    );
    expect(res.status).toBe(202);
    expect(res.body.environment.status).toBe('deleting');
    expect(res.body.operation.kind).toBe('delete');
  });

  it('delete from cleanup_required and failed: 202, the cleanup plan with the facts it left; a retry keeps the plan', async () => {
    for (const status of ['cleanup_required', 'failed']) {
      const name = await environment(status);
      const res = await call(
        'delete',
        `/environments/${name}?confirmName=${name}`,
      );
      expect([status, res.status]).toEqual([status, 202]);
      expect(res.body.environment.status).toBe('deleting');
      const op = await knex('operations')
        .where({ id: res.body.operation.id })
        .first();
      expect(JSON.parse(op.input)).toMatchObject({
        plan: 'cleanup',
        previousStatus: status,
        endpointId: 7,
      });
      // the cleanup stopped half-way: the same DELETE finishes it with the same plan
      await knex('operations')
        .where({ id: op.id })
        .update({ status: 'failed', failed_step: 'remove-lxc' });
      const again = await call(
        'delete',
        `/environments/${name}?confirmName=${name}`,
      );
      expect(again.status).toBe(202);
      const retry = await knex('operations')
        .where({ id: again.body.operation.id })
        .first();
      expect(JSON.parse(retry.input)).toMatchObject({ plan: 'cleanup' });
    }
    // a ready environment is deleted as before (final backup first)
    const ready = await environment('ready');
    const res = await call(
      'delete',
      `/environments/${ready}?confirmName=${ready}`,
    );
    const op = await knex('operations')
      .where({ id: res.body.operation.id })
      .first();
    expect(JSON.parse(op.input).plan).toBeUndefined();
  });

  it('cleanup_required refuses everything but delete with the status named', async () => {
    const name = await environment('cleanup_required');
    for (const [method, path] of routesOf(name).filter(
      ([m, p]) => m === 'post' && !p.includes('confirmName'),
    )) {
      const res = await call(method, path);
      expect([path, res.status]).toEqual([path, 409]);
      expect(res.body.error.message).toMatch(/it is cleanup_required$/);
    }
  });

  it('while paused everything but resume, delete and the snapshot list is 409 with how to resume', async () => {
    const name = await environment('paused');
    for (const [method, path] of routesOf(name).filter(
      ([m, p]) => m === 'post' && !p.endsWith('/resume'),
    )) {
      const res = await call(method, path);
      expect([path, res.status]).toEqual([path, 409]);
      expect(res.body.error.message).toBe(
        `paused: POST /environments/${name}/resume`,
      );
    }
    expect(
      (await call('delete', `/environments/${name}/snapshots/base`)).status,
    ).toBe(409);
  });

  it('every route: 401 without credentials, 403 for another user, nothing changed', async () => {
    const name = await environment();
    const before = await knex('operations').count({ n: '*' });
    for (const [method, path] of routesOf(name)) {
      const anonymous = await (request(server) as any)
        [method](`${API}${path}`)
        .set('Authorization', mockCredentials.none.header());
      expect([path, anonymous.status]).toEqual([path, 401]);
      const bob = await call(method, path, 'bob');
      expect([path, bob.status]).toEqual([path, 403]);
    }
    expect(await knex('operations').count({ n: '*' })).toEqual(before);
    expect((await knex('environments').where({ name }).first()).status).toBe(
      'ready',
    );
  });
});
