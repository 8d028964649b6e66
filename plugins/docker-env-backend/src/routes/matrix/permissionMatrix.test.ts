import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { dockerEnvApiSpec as spec } from '@docker-env/plugin-docker-env-common';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import { Knex } from 'knex';
import request from 'supertest';
import { PRINCIPALS, ROWS, type Principal } from './rows';

jest.setTimeout(120_000);

const API = '/api/docker-env';
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Every operation of the spec, `METHOD /path`. */
const specOperations = Object.entries(spec.paths).flatMap(([path, ops]) =>
  Object.keys(ops as object).map(m => `${m.toUpperCase()} ${path}`),
);

// Every route of the spec x every principal, against the real permission backend and the docker-env policy: the
// answer is the row's class (allowed: any answer but 401/403; 401; 403). A route added to the spec without its row
// fails the first test.
describe('the permission matrix of the API spec', () => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  let knex: Knex;
  const tokens: Record<string, string> = {};

  it('has one row per operation of the spec, and no other', () => {
    const operations = new Set(
      Object.keys(ROWS).map(k => k.split(' ').slice(0, 2).join(' ')),
    );
    expect([...operations].sort()).toEqual([...specOperations].sort());
  });

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    ({ server } = await startDockerEnvTestBackend({ knex }));
    for (const [user, name, owner] of [
      ['alice', 'mxa', 'user:default/alice'],
      ['carol', 'mxt', 'group:default/team-a'],
      ['bob', 'mxb', 'user:default/bob'],
    ]) {
      const res = await request(server)
        .post(`${API}/environments`)
        .set(
          'Authorization',
          mockCredentials.user.header(`user:default/${user}`),
        )
        .send({ name, owner, size: 'S' });
      if (res.status !== 202) throw new Error(`seeding ${name}: ${res.status}`);
      await knex('operations')
        .where({ id: res.body.operation.id })
        .update({ status: 'succeeded', result: '{"ip":"10.0.0.5"}' });
      await knex('environments').where({ name }).update({ status: 'ready' });
      tokens[name] = (
        await request(server)
          .post(`${API}/environments/${name}/tokens`)
          .set(
            'Authorization',
            mockCredentials.user.header(`user:default/${user}`),
          )
          .send({ description: 'matrix' })
      ).body.token;
    }
  });

  /** The environment a principal's requests name: the owner's own, everyone else's the team's. */
  const envOf = (p: Principal) => (p === 'owner' ? 'mxa' : 'mxt');

  function send(key: string, p: Principal) {
    const [method, path] = key.split(' ');
    const row = ROWS[key];
    const url = `${API}${path}${row.query ?? ''}`
      .replace(/\{name\}/g, envOf(p))
      .replace('{entityRef}', encodeURIComponent('group:default/team-a'))
      .replace(/\{[^}]+\}/g, 'x');
    let r = (request(server) as any)[method.toLowerCase()](url);
    const user = {
      other: 'bob',
      member: 'carol',
      owner: 'alice',
      admin: 'root',
    }[p as string];
    if (user)
      r = r.set(
        'Authorization',
        mockCredentials.user.header(`user:default/${user}`),
      );
    else if (p === 'service')
      r = r.set('Authorization', mockCredentials.service.header());
    else if (p === 'anonymous')
      r = r.set('Authorization', mockCredentials.none.header());
    else {
      r = r.set('Authorization', mockCredentials.none.header());
      r = r.set(
        'X-Deploy-Token',
        tokens[p === 'token-this' ? envOf(p) : 'mxb'],
      );
    }
    return row.body === undefined ? r : r.send(row.body);
  }

  const cases = Object.keys(ROWS).flatMap(key =>
    PRINCIPALS.map(p => [key, p] as const),
  );
  it.each(cases)('%s as %s', async (key, p) => {
    const res = await send(key, p);
    const expected = ROWS[key].expect(p);
    const got = [401, 403].includes(res.status) ? res.status : 'allowed';
    expect({ status: res.status, class: got }).toEqual({
      status: res.status,
      class: expected,
    });
  });
});
