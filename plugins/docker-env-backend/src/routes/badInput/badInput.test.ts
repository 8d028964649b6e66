import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import { BAD_INPUTS, type BadInput } from './corpus';

jest.setTimeout(60_000);

const API = '/api/docker-env';
const TABLES = [
  'environments',
  'operations',
  'quotas',
  'deploy_tokens',
  'deployment_secrets',
  'snapshots',
  'approval_requests',
];

// Every entry of the corpus is refused with its status and a message naming the field, and nothing is written.
describe('the bad-input corpus', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  let knex: Knex;
  let token: string;

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    ({ server } = await startDockerEnvTestBackend({ knex }));
    const res = await request(server)
      .post(`${API}/environments`)
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send({ name: 'corpus', owner: 'user:default/alice', size: 'S' });
    await knex('operations')
      .where({ id: res.body.operation.id })
      .update({
        status: 'succeeded',
        result: JSON.stringify({ ip: '10.0.0.5' }),
      });
    await knex('environments')
      .where({ name: 'corpus' })
      .update({ status: 'ready' });
    token = (
      await request(server)
        .post(`${API}/environments/corpus/tokens`)
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send({ description: 'corpus' })
    ).body.token;
  });

  async function send(input: BadInput) {
    let r = request(server)[input.method](
      `${API}${input.path.replace('{env}', 'corpus')}`,
    );
    r =
      input.as === 'token'
        ? r.set('X-Deploy-Token', token)
        : r.set(
            'Authorization',
            mockCredentials.user.header(`user:default/${input.as}`),
          );
    if (input.raw)
      return r.set('Content-Type', input.raw.type).send(input.raw.text);
    return r
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(input.body));
  }

  async function counts() {
    return Promise.all(
      TABLES.map(async t => `${t} ${(await knex(t).count({ n: '*' }))[0].n}`),
    );
  }

  it(`refuses all ${BAD_INPUTS.length} with the status and a message naming the field, writing nothing`, async () => {
    const before = await counts();
    const wrong: string[] = [];
    for (const input of BAD_INPUTS) {
      const res = await send(input);
      const message: string = res.body?.error?.message ?? '';
      if (res.status !== input.status || !message.includes(input.field))
        wrong.push(
          `${input.what}: ${res.status} ${JSON.stringify(
            message.slice(0, 160),
          )} (want ${input.status} naming ${input.field})`,
        );
    }
    expect(wrong).toEqual([]);
    expect(await counts()).toEqual(before);
  });
});
