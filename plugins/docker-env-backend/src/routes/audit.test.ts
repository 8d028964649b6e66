import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';

jest.setTimeout(60_000);

const API = '/api/docker-env';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('GET /audit', () => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  let knex: Knex;
  const audit = (query: string, user?: string) =>
    request(server)
      .get(`${API}/audit${query}`)
      .set('Authorization', user ? as(user) : mockCredentials.none.header());

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    ({ server } = await startDockerEnvTestBackend({ knex }));
    for (const [user, name] of [
      ['alice', 'audit-alpha'],
      ['bob', 'audit-beta'],
    ]) {
      await request(server)
        .post(`${API}/environments`)
        .set('Authorization', as(user))
        .send({ name, owner: `user:default/${user}`, size: 'S' })
        .expect(202);
    }
    // A refused attempt: bob may not pause alice's environment.
    await request(server)
      .post(`${API}/environments/audit-alpha/pause`)
      .set('Authorization', as('bob'))
      .expect(403);
  });

  it('admins filter the whole log by environment, actor, action and time', async () => {
    const all = await audit('', 'root');
    expect(all.status).toBe(200);
    expect(all.body.items.map((e: any) => e.action)).toEqual([
      'environment.pause',
      'environment.create',
      'environment.create',
    ]);
    const alpha = await audit('?environment=audit-alpha', 'root');
    expect(alpha.body.items).toEqual([
      expect.objectContaining({
        actor: 'user:default/bob',
        action: 'environment.pause',
        result: 'refused',
      }),
      expect.objectContaining({
        actor: 'user:default/alice',
        action: 'environment.create',
        target: 'audit-alpha',
        result: 'succeeded',
      }),
    ]);
    const byBob = await audit(
      '?actor=user:default/bob&action=environment.create',
      'root',
    );
    expect(byBob.body.items.map((e: any) => e.target)).toEqual(['audit-beta']);
    const later = await audit('?from=2999-01-01T00:00:00Z', 'root');
    expect(later.body.items).toEqual([]);
    const window = await audit(
      `?from=2000-01-01&to=${new Date(Date.now() + 60_000).toISOString()}`,
      'root',
    );
    expect(window.body.items).toHaveLength(3);
  });

  it("owners read their own environment's events only", async () => {
    const own = await audit('?environment=audit-alpha', 'alice');
    expect(own.status).toBe(200);
    // bob's refused pause names audit-alpha without its id: an admin's to read (issue 21), not the owner's
    expect(own.body.items.map((e: any) => `${e.actor} ${e.action}`)).toEqual([
      'user:default/alice environment.create',
    ]);
    expect((await audit('?environment=audit-beta', 'alice')).status).toBe(403);
    const everything = await audit('', 'alice');
    expect(everything.status).toBe(403);
    expect(everything.body.error.message).toMatch(/^environment: only admins/);
    expect((await audit('?environment=nothing-here', 'alice')).status).toBe(
      404,
    );
    expect((await audit('?environment=audit-alpha')).status).toBe(401);
    expect((await audit('')).status).toBe(401);
  });

  it("rows without an environment that name one: the owner sees their own, not other users'; admins see all", async () => {
    const row = (actor: string, action: string) => ({
      at: new Date(),
      actor,
      action,
      target: 'audit-alpha',
      environment_id: null,
      result: 'refused',
      reason: 'no such environment',
      details: '{}',
    });
    await knex('audit_events').insert([
      row('user:default/bob', 'deployment.create'),
      row('user:default/alice', 'snapshot.create'),
    ]);
    const own = await audit('?environment=audit-alpha', 'alice');
    expect(own.body.items.map((e: any) => `${e.actor} ${e.action}`)).toEqual([
      'user:default/alice snapshot.create',
      'user:default/alice environment.create',
    ]);
    const admin = await audit('?environment=audit-alpha', 'root');
    expect(admin.body.items).toHaveLength(4);
    await knex('audit_events')
      .whereIn('action', ['deployment.create', 'snapshot.create'])
      .delete();
  });

  it('bad filters are 400 naming the field', async () => {
    for (const [query, message] of [
      ['?from=yesterday', /^from: must be an ISO 8601 time/],
      ['?to=2026-13-45T00:00:00Z', /^to: must be an ISO 8601 time/],
      ['?from=2026-02-01&to=2026-01-01', /^from: must not be after to/],
      ['?limit=0', /limit/],
    ] as const) {
      const res = await audit(query, 'root');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect(Number((await knex('audit_events').count({ n: '*' }))[0].n)).toBe(3);
  });
});
