import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { dockerEnvApiSpec as spec } from '@docker-env/plugin-docker-env-common';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { Knex } from 'knex';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';

jest.setTimeout(60_000);

const API = '/api/docker-env';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

type Json = Record<string, any>;

/** The spec's schemas with references into one `spec` document, so ajv can follow them. */
function validatorFor(): (schema: object, body: unknown) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          k === '$ref' ? `spec${v}` : rewrite(v),
        ]),
      );
    }
    return value;
  };
  ajv.addSchema({ $id: 'spec', components: rewrite(spec.components) });
  return (schema, body) => {
    const validate = ajv.compile(rewrite(schema) as object);
    return validate(body)
      ? []
      : (validate.errors ?? []).map(e => `${e.instancePath} ${e.message}`);
  };
}

/**
 * Every answer the routes give, checked against the spec: its status is one the spec lists for that route, and its
 * body is valid under that status's schema (response schemas are closed, so an undocumented field fails too). The
 * clients' types come from those schemas; this is what keeps them true at run time.
 */
describe('the answers of the API', () => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  let knex: Knex;
  const validate = validatorFor();
  const seen: string[] = [];

  async function call(
    method: 'get' | 'post' | 'put' | 'patch' | 'delete',
    route: string,
    path: string,
    init: {
      user?: string;
      body?: object;
      headers?: Record<string, string>;
    } = {},
  ) {
    let req = request(server)[method](`${API}${path}`);
    if (init.user) req = req.set('Authorization', as(init.user));
    for (const [k, v] of Object.entries(init.headers ?? {}))
      req = req.set(k, v);
    const res = init.body ? await req.send(init.body) : await req;
    const operation: Json = (spec.paths as Json)[route]?.[method];
    const answer: Json | undefined = operation?.responses[String(res.status)];
    seen.push(`${method.toUpperCase()} ${route} ${res.status}`);
    expect({
      route: `${method} ${route}`,
      status: res.status,
      documented: !!answer,
    }).toEqual({
      route: `${method} ${route}`,
      status: res.status,
      documented: true,
    });
    const schema = answer?.content?.['application/json']?.schema;
    expect({
      route: `${method} ${route} ${res.status}`,
      errors: schema ? validate(schema, res.body) : [],
    }).toEqual({
      route: `${method} ${route} ${res.status}`,
      errors: [],
    });
    return res;
  }

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    ({ server } = await startDockerEnvTestBackend({ knex }));
  });

  it('match the spec, route by route', async () => {
    const created = await call('post', '/environments', '/environments', {
      user: 'alice',
      body: { name: 'answers', owner: 'user:default/alice', size: 'S' },
    });
    expect(created.status).toBe(202);
    // provisioning done, as the runner would leave it: ready, with the facts deployments need
    await knex('operations')
      .where({ id: created.body.operation.id })
      .update({
        status: 'succeeded',
        result: JSON.stringify({ ip: '10.0.0.5', endpointId: 7 }),
      });
    await knex('environments')
      .where({ id: created.body.environment.id })
      .update({ status: 'ready', vmid: 140, node: 'pve1' });

    await call('get', '/environments', '/environments?limit=5', {
      user: 'alice',
    });
    await call('get', '/environments/{name}', '/environments/answers', {
      user: 'alice',
    });
    await call('get', '/environments/{name}', '/environments/nothing', {
      user: 'alice',
    });
    await call(
      'get',
      '/environments/{name}/operations',
      '/environments/answers/operations',
      { user: 'alice' },
    );
    await call('get', '/names/{name}', '/names/answers', { user: 'alice' });
    await call('get', '/names/{name}', '/names/Bad_Name', { user: 'alice' });
    await call('get', '/quotas', '/quotas?owner=user:default/alice', {
      user: 'alice',
    });
    await call('get', '/quotas/default', '/quotas/default', { user: 'root' });
    await call('get', '/requests', '/requests', { user: 'root' });
    await call('get', '/audit', '/audit?environment=answers', { user: 'root' });
    await call('get', '/drift', '/drift', { user: 'root' });
    await call(
      'get',
      '/environments/{name}/drift',
      '/environments/answers/drift',
      { user: 'alice' },
    );
    await call('get', '/backups', '/backups', { user: 'root' });
    await call('get', '/status', '/status', { user: 'root' });
    await call('get', '/status', '/status', { user: 'bob' });

    const token = await call(
      'post',
      '/environments/{name}/tokens',
      '/environments/answers/tokens',
      {
        user: 'alice',
        body: { description: 'ci' },
      },
    );
    expect(token.status).toBe(201);
    await call(
      'get',
      '/environments/{name}/tokens',
      '/environments/answers/tokens',
      { user: 'alice' },
    );
    const deployment = await call(
      'post',
      '/environments/{name}/deployments',
      '/environments/answers/deployments',
      {
        headers: { 'X-Deploy-Token': token.body.token },
        body: {
          image: 'registry.example.com/team/app:1',
          container: 'web',
          port: 8000,
        },
      },
    );
    expect(deployment.status).toBe(202);
    await call(
      'get',
      '/environments/{name}/deployments/{id}',
      `/environments/answers/deployments/${deployment.body.id}`,
      {
        headers: { 'X-Deploy-Token': token.body.token },
      },
    );
    await call(
      'get',
      '/environments/{name}/deployments',
      '/environments/answers/deployments',
      { user: 'alice' },
    );
    await call(
      'delete',
      '/environments/{name}/tokens/{id}',
      `/environments/answers/tokens/${token.body.id}`,
      {
        user: 'alice',
      },
    );
    await knex('operations')
      .where({ id: deployment.body.id })
      .update({ status: 'succeeded' });
    const paused = await call(
      'post',
      '/environments/{name}/pause',
      '/environments/answers/pause',
      { user: 'alice' },
    );
    expect(paused.status).toBe(202);
    await call(
      'post',
      '/environments/{name}/pause',
      '/environments/answers/pause',
      { user: 'alice' },
    );

    // every call above answered, with the status each case is about
    expect(seen).toEqual([
      'POST /environments 202',
      'GET /environments 200',
      'GET /environments/{name} 200',
      'GET /environments/{name} 404',
      'GET /environments/{name}/operations 200',
      'GET /names/{name} 200',
      'GET /names/{name} 200',
      'GET /quotas 200',
      'GET /quotas/default 200',
      'GET /requests 200',
      'GET /audit 200',
      'GET /drift 200',
      'GET /environments/{name}/drift 200',
      'GET /backups 200',
      'GET /status 200',
      'GET /status 403',
      'POST /environments/{name}/tokens 201',
      'GET /environments/{name}/tokens 200',
      'POST /environments/{name}/deployments 202',
      'GET /environments/{name}/deployments/{id} 200',
      'GET /environments/{name}/deployments 200',
      'DELETE /environments/{name}/tokens/{id} 204',
      'POST /environments/{name}/pause 202',
      'POST /environments/{name}/pause 409',
    ]);
  });
});
