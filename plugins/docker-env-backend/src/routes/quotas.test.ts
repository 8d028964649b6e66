/* eslint-disable jest/no-conditional-expect -- table-driven matrix: the expectation depends on the row */
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';

jest.setTimeout(60_000);

const API = '/api/docker-env';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const TEAM = 'group:default/team-a';
const enc = encodeURIComponent;

/** Quota default: two environments, 3 cores. alice and carol are in team-a, bob in team-b, root is admin. */
describe('quotas and approvals', () => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  let knex: Knex;
  let seq = 0;

  const call = (
    method: 'get' | 'put' | 'post',
    path: string,
    user?: string,
  ) => {
    const req = request(server)[method](`${API}${path}`);
    return req.set(
      'Authorization',
      user ? as(user) : mockCredentials.none.header(),
    );
  };
  const create = (user: string, body: object) =>
    call('post', '/environments', user).send({
      name: `quota-env-${++seq}`,
      owner: TEAM,
      size: 'S',
      ...body,
    });
  const count = async (table: string, where: object = {}) =>
    Number((await knex(table).where(where).count({ n: '*' }))[0].n);

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    ({ server } = await startDockerEnvTestBackend({
      knex,
      config: {
        dockerEnv: {
          quotas: {
            default: {
              cpuCores: 3,
              memoryMb: 65536,
              diskGb: 1000,
              environments: 2,
              containers: 5,
            },
          },
        },
      },
    }));
  });

  beforeEach(async () => {
    for (const t of [
      'approval_requests',
      'quotas',
      'deliveries',
      'operations',
      'environments',
    ]) {
      await knex(t).delete();
    }
  });

  it('within quota provisions at once; over quota holds for approval and tells the admins', async () => {
    const first = await create('alice', { size: 'M' });
    expect(first.status).toBe(202);
    expect(first.body.environment.status).toBe('provisioning');
    expect(first.body.operation.kind).toBe('provision');

    const over = await create('carol', { size: 'M' });
    expect(over.status).toBe(202);
    expect(over.body.operation).toBeUndefined();
    expect(over.body.environment.status).toBe('pending_approval');
    expect(over.body.request).toMatchObject({
      status: 'pending',
      owner: TEAM,
      requestedBy: 'user:default/carol',
      environment: over.body.environment.name,
    });
    expect(over.body.request.quotaReason).toContain(
      'cpuCores: 4 with this request, quota 3 (2 in use)',
    );
    expect(await count('operations')).toBe(1);
    const told = await knex('deliveries')
      .where({ event: 'environment.approval_requested' })
      .pluck('recipient');
    expect(told.sort()).toEqual(
      [TEAM, 'group:default/platform-team', 'user:default/carol'].sort(),
    );

    const quota = await call('get', `/quotas?owner=${TEAM}`, 'alice');
    expect(quota.status).toBe(200);
    expect(quota.body).toEqual({
      owner: TEAM,
      source: 'config',
      quota: {
        cpuCores: 3,
        memoryMb: 65536,
        diskGb: 1000,
        environments: 2,
        containers: 5,
      },
      usage: {
        cpuCores: 4,
        memoryMb: 8192,
        diskGb: 64,
        environments: 2,
        containers: 0,
      },
    });
  });

  it('approve queues the same provision operation and tells the requester; a second decision is 409', async () => {
    await create('alice', { size: 'M' });
    const held = await create('carol', { size: 'M' });
    const id = held.body.request.id;
    const pending = await call('get', '/requests?status=pending', 'root');
    expect(pending.body.items.map((r: any) => r.id)).toEqual([id]);

    const approved = await call('post', `/requests/${id}/approve`, 'root');
    expect(approved.status).toBe(200);
    expect(approved.body.request).toMatchObject({
      status: 'approved',
      decidedBy: 'user:default/root',
    });
    expect(approved.body.environment.status).toBe('provisioning');
    expect(approved.body.operation).toMatchObject({
      kind: 'provision',
      status: 'queued',
      requestedBy: 'user:default/carol',
      input: { size: 'M', cpuCores: 2, memoryMb: 4096, diskGb: 32 },
    });
    expect(
      await knex('deliveries')
        .where({ event: 'environment.approved' })
        .pluck('recipient'),
    ).toEqual(expect.arrayContaining([TEAM, 'user:default/carol']));
    expect(
      await count('audit_events', { action: 'request.approve' }),
    ).toBeGreaterThan(0);

    const again = await call('post', `/requests/${id}/reject`, 'root').send({
      reason: 'late',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('already approved');
    expect(await count('operations')).toBe(2);
  });

  it('reject needs a reason, frees the name and tells the requester', async () => {
    const held = await create('carol', { size: 'L' });
    const id = held.body.request.id;
    const blank = await call('post', `/requests/${id}/reject`, 'root').send({
      reason: '  ',
    });
    expect(blank.status).toBe(400);
    expect(blank.body.error.message).toMatch(/^reason: is required/);
    expect(await count('approval_requests', { status: 'pending' })).toBe(1);

    const rejected = await call('post', `/requests/${id}/reject`, 'root').send({
      reason: 'too big for now',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.environment).toMatchObject({
      status: 'rejected',
      statusReason: 'rejected: too big for now',
    });
    expect(
      (await call('get', `/names/${held.body.environment.name}`, 'bob')).body
        .available,
    ).toBe(true);
    const told = await knex('deliveries')
      .where({ event: 'environment.rejected' })
      .pluck('recipient');
    expect(told).toEqual(expect.arrayContaining(['user:default/carol']));
    expect(await count('operations')).toBe(0);
    expect((await call('post', '/requests/nope/approve', 'root')).status).toBe(
      404,
    );
  });

  it('PUT sets an override or the default; fields left out keep their value; bad input changes nothing', async () => {
    const set = await call('put', `/quotas/${enc(TEAM)}`, 'root').send({
      environments: 9,
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      source: 'override',
      quota: { environments: 9, cpuCores: 3 },
    });
    const def = await call('put', '/quotas/default', 'root').send({
      cpuCores: 6,
    });
    expect(def.body).toMatchObject({
      source: 'default',
      quota: { cpuCores: 6 },
    });
    const readBack = await call('get', '/quotas/default', 'bob');
    expect(readBack.status).toBe(200);
    expect(readBack.body).toMatchObject({
      owner: 'default',
      source: 'default',
      usage: null,
      quota: { cpuCores: 6, environments: 2 },
    });
    const bob = await call('get', `/quotas?owner=user:default/bob`, 'bob');
    expect(bob.body).toMatchObject({
      source: 'default',
      quota: { cpuCores: 6, environments: 2 },
    });

    for (const [path, body, message] of [
      [
        `/quotas/${enc('component:default/x')}`,
        { cpuCores: 1 },
        /^entityRef: must be a user or group/,
      ],
      [`/quotas/${enc(TEAM)}`, { cpuCores: -1 }, /cpuCores/],
      [`/quotas/${enc(TEAM)}`, { cpuCores: 1.5 }, /cpuCores/],
      [`/quotas/${enc(TEAM)}`, {}, /^body: give at least one of/],
      [`/quotas/${enc(TEAM)}`, { gpus: 1 }, /^gpus: unknown field/],
    ] as const) {
      const res = await call('put', path, 'root').send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect(await count('quotas')).toBe(2);
    expect((await call('get', '/quotas', 'alice')).status).toBe(400);
    expect(
      (await call('get', '/quotas?owner=alice', 'alice')).body.error.message,
    ).toMatch(/^owner: /);
  });

  const MATRIX: Array<[string, 'get' | 'put' | 'post', string, object?]> = [
    ['GET /quotas (own group)', 'get', `/quotas?owner=${TEAM}`],
    ['GET /quotas (other team)', 'get', '/quotas?owner=group:default/team-b'],
    ['PUT /quotas/{ref}', 'put', `/quotas/${enc(TEAM)}`, { cpuCores: 5 }],
    ['GET /quotas/default', 'get', '/quotas/default'],
    ['PUT /quotas/default', 'put', '/quotas/default', { cpuCores: 5 }],
    ['GET /requests', 'get', '/requests?status=pending'],
    ['POST approve', 'post', '/requests/{id}/approve'],
    ['POST reject', 'post', '/requests/{id}/reject', { reason: 'no' }],
  ];
  const EXPECTED: Record<string, Record<string, number>> = {
    'GET /quotas (own group)': { alice: 200, bob: 403, root: 200, none: 401 },
    'GET /quotas (other team)': { alice: 403, bob: 200, root: 200, none: 401 },
    'PUT /quotas/{ref}': { alice: 403, bob: 403, root: 200, none: 401 },
    'GET /quotas/default': { alice: 200, bob: 200, root: 200, none: 401 },
    'PUT /quotas/default': { alice: 403, bob: 403, root: 200, none: 401 },
    'GET /requests': { alice: 403, bob: 403, root: 200, none: 401 },
    'POST approve': { alice: 403, bob: 403, root: 200, none: 401 },
    'POST reject': { alice: 403, bob: 403, root: 200, none: 401 },
  };

  it.each(
    MATRIX.flatMap(row =>
      ['alice', 'bob', 'root', 'none'].map(
        user => [row[0], user, row] as const,
      ),
    ),
  )('%s as %s', async (label, user, [, method, path, body]) => {
    await create('alice', { size: 'L' });
    const held = await create('alice', {});
    const before = {
      quotas: await count('quotas'),
      pending: await count('approval_requests', { status: 'pending' }),
      operations: await count('operations'),
    };
    const res = await call(
      method,
      path.replace('{id}', held.body.request.id),
      user === 'none' ? undefined : user,
    ).send(body);
    const status = EXPECTED[label][user];
    expect(res.status).toBe(status);
    if (status >= 400) {
      expect(res.body.error.name).toBe(
        status === 401 ? 'AuthenticationError' : 'NotAllowedError',
      );
      expect({
        quotas: await count('quotas'),
        pending: await count('approval_requests', { status: 'pending' }),
        operations: await count('operations'),
      }).toEqual(before);
    }
  });
});
