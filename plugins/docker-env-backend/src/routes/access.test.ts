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

/** alice owns `alpha` herself; `teamenv` is owned by team-a (carol is a member); bob is in team-b; root is admin. */
const USERS = ['alice', 'carol', 'bob', 'root'] as const;

describe('permission matrix and bad input, against the real permission backend', () => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  let knex: Knex;

  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        ['environments', 'operations', 'audit_events', 'idempotency_keys'].map(
          async t => [t, Number((await knex(t).count({ n: '*' }))[0].n)],
        ),
      ),
    );

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    ({ server } = await startDockerEnvTestBackend({ knex }));
    for (const [user, body] of [
      ['alice', { name: 'alpha', owner: 'user:default/alice', size: 'S' }],
      ['carol', { name: 'teamenv', owner: 'group:default/team-a', size: 'S' }],
    ] as const) {
      const res = await request(server)
        .post(`${API}/environments`)
        .set('Authorization', as(user))
        .send(body);
      if (res.status !== 202)
        throw new Error(`seeding ${body.name}: ${res.status}`);
    }
  });

  const expectations: Record<string, Record<(typeof USERS)[number], number>> = {
    'GET /environments/alpha': { alice: 200, carol: 403, bob: 403, root: 200 },
    'GET /environments/teamenv': {
      alice: 200,
      carol: 200,
      bob: 403,
      root: 200,
    },
    'GET /environments/alpha/operations': {
      alice: 200,
      carol: 403,
      bob: 403,
      root: 200,
    },
    'GET /environments/teamenv/operations': {
      alice: 200,
      carol: 200,
      bob: 403,
      root: 200,
    },
    'GET /names/alpha': { alice: 200, carol: 200, bob: 200, root: 200 },
    'GET /status': { alice: 403, carol: 403, bob: 403, root: 200 },
  };

  it.each(
    Object.entries(expectations).flatMap(([route, byUser]) =>
      USERS.map(u => [route, u, byUser[u]] as const),
    ),
  )('%s as %s -> %i', async (route, user, status) => {
    const res = await request(server)
      .get(`${API}${route.split(' ')[1]}`)
      .set('Authorization', as(user));
    expect(res.status).toBe(status);
    if (status === 403) expect(res.body.error.name).toBe('NotAllowedError');
  });

  it.each([
    ['alice', 'user:default/alice', 202],
    ['carol', 'group:default/team-a', 202],
    ['bob', 'group:default/team-a', 403],
    ['bob', 'user:default/alice', 403],
    ['root', 'group:default/team-b', 202],
  ] as const)(
    'POST /environments as %s for owner %s -> %i',
    async (user, owner, status) => {
      const name = `m-${user}-${owner.replace(/[:/]/g, '-')}`
        .replace(/--+/g, '-')
        .slice(0, 32)
        .replace(/-$/, '');
      const before = await counts();
      const res = await request(server)
        .post(`${API}/environments`)
        .set('Authorization', as(user))
        .send({ name, owner, size: 'S' });
      expect(res.status).toBe(status);
      const after = await counts();
      if (status === 403) {
        expect(res.body.error.message).toMatch(
          /owner: must be you or one of your groups/,
        );
        expect(after).toEqual({
          ...before,
          audit_events: before.audit_events + 1,
        });
        const [event] = await knex('audit_events')
          .orderBy('id', 'desc')
          .limit(1);
        expect(event).toMatchObject({
          actor: `user:default/${user}`,
          action: 'environment.create',
          result: 'refused',
        });
      } else {
        expect(after).toEqual({
          ...before,
          environments: before.environments + 1,
          operations: before.operations + 1,
          audit_events: before.audit_events + 1,
        });
      }
    },
  );

  it.each(USERS)('GET /environments lists only what %s may see', async user => {
    const res = await request(server)
      .get(`${API}/environments?limit=500`)
      .set('Authorization', as(user));
    expect(res.status).toBe(200);
    const owners = new Set(res.body.items.map((e: any) => e.owner));
    const mine = {
      alice: ['user:default/alice', 'group:default/team-a'],
      carol: ['user:default/carol', 'group:default/team-a'],
      bob: ['user:default/bob', 'group:default/team-b'],
    } as Record<string, string[]>;
    if (user === 'root')
      expect(res.body.totalCount).toBe(
        Number((await knex('environments').count({ n: '*' }))[0].n),
      );
    else
      expect([...owners].every(o => mine[user].includes(o as string))).toBe(
        true,
      );
    expect(res.body.totalCount).toBe(res.body.items.length);
  });

  it('lets a service principal read (the catalog provider)', async () => {
    const res = await request(server)
      .get(`${API}/environments`)
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    expect(res.body.totalCount).toBeGreaterThanOrEqual(2);
  });

  it.each([
    [
      { name: 'ok-name', owner: 'user:default/alice', size: 'S', extra: 1 },
      /additional|extra/i,
    ],
    [
      {
        name: 'ok-name',
        owner: 'user:default/alice',
        cpuCores: '2',
        memoryMb: 1024,
        diskGb: 10,
      },
      /cpuCores.*integer/,
    ],
    [
      { name: 'Bad--Name', owner: 'user:default/alice', size: 'S' },
      /name: .*two hyphens/,
    ],
    [
      { name: 'ok-name', owner: 'not a ref!', size: 'S' },
      /owner: must be an entity ref/,
    ],
    [
      { name: 'ok-name', owner: 'component:default/x', size: 'S' },
      /owner: must be a user or group/,
    ],
    [
      {
        name: 'ok-name',
        owner: 'user:default/alice',
        cpuCores: 99,
        memoryMb: 1024,
        diskGb: 10,
      },
      /cpuCores: must be between 1 and 16/,
    ],
    [
      { name: 'ok-name', owner: 'user:default/alice', size: 'S', cpuCores: 2 },
      /size: give either/,
    ],
    [{ name: 'ok-name', owner: 'user:default/alice' }, /size: is required/],
    [{ name: 'ok-name', owner: 'user:default/alice', size: 'XL' }, /size/],
    [
      {
        name: 'ok-name',
        owner: 'user:default/alice',
        size: 'S',
        expiresOn: '2001-01-01',
      },
      /expiresOn: must be today or later/,
    ],
    [{ owner: 'user:default/alice', size: 'S' }, /name/],
  ])(
    'POST /environments refuses %j with 400 and changes nothing',
    async (body, message) => {
      const before = await counts();
      const res = await request(server)
        .post(`${API}/environments`)
        .set('Authorization', as('alice'))
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.ts:\d+/);
      expect(await counts()).toEqual(before);
    },
  );

  it.each([
    ['/environments?limit=0', /limit/],
    ['/environments?limit=many', /limit/],
    ['/environments?status=sleeping', /status/],
    ['/environments?colour=red', /colour/],
    ['/environments?cursor=bogus', /cursor: must be a nextCursor/],
    [`/environments/${'x'.repeat(65)}`, /name/],
    [`/environments/${'x'.repeat(65)}/operations`, /name/],
    [`/names/${'x'.repeat(65)}`, /name/],
  ])(
    'GET %s -> 400 naming the field, nothing changed',
    async (path, message) => {
      const before = await counts();
      const res = await request(server)
        .get(`${API}${path}`)
        .set('Authorization', as('alice'));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      expect(await counts()).toEqual(before);
    },
  );

  it('answers 404 for a name nobody holds', async () => {
    for (const path of [
      '/environments/nobody-here',
      '/environments/nobody-here/operations',
    ]) {
      const res = await request(server)
        .get(`${API}${path}`)
        .set('Authorization', as('root'));
      expect(res.status).toBe(404);
    }
  });
});
