import { mockCredentials } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';

jest.setTimeout(60_000);

const API = '/api/docker-env';
const ALICE = mockCredentials.user.header('user:default/alice');
const databases = createStoreTestDatabases();

/** alice may run three containers; each deploy is recorded as a queued `deploy` operation. */
describe.each(databases.eachSupportedId())(
  'container quota on deployments on %s',
  databaseId => {
    let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
    let knex: Knex;
    let seq = 0;

    /** A ready environment of alice's and a deployment token for it. */
    async function environment(): Promise<{ name: string; token: string }> {
      const name = `cq${++seq}`;
      const res = await request(server)
        .post(`${API}/environments`)
        .set('Authorization', ALICE)
        .send({ name, owner: 'user:default/alice', size: 'S' });
      if (res.status !== 202) throw new Error(`seeding ${name}: ${res.status}`);
      await knex('operations')
        .where({ id: res.body.operation.id })
        .update({
          status: 'succeeded',
          result: JSON.stringify({ ip: '10.0.0.5', endpointId: 7 }),
        });
      await knex('environments')
        .where({ id: res.body.environment.id })
        .update({ status: 'ready' });
      const token = await request(server)
        .post(`${API}/environments/${name}/tokens`)
        .set('Authorization', ALICE)
        .send({ description: 'ci' });
      return { name, token: token.body.token };
    }
    const deploy = (env: { name: string; token: string }, container: string) =>
      request(server)
        .post(`${API}/environments/${env.name}/deployments`)
        .set('X-Deploy-Token', env.token)
        .send({
          image: 'registry.example.com/team/app:1',
          container,
          port: 8000,
          healthPath: '/health',
        });
    /** `GET /quotas?owner=` of alice: her usage. */
    const usage = async () => {
      const res = await request(server)
        .get(`${API}/quotas`)
        .query({ owner: 'user:default/alice' })
        .set('Authorization', ALICE);
      expect(res.status).toBe(200);
      return res.body.usage;
    };
    /** Ends every deploy as `status` (rollouts are not run here; the rate limit counts them all, so keep few). */
    const finishDeploys = (status: string) =>
      knex('operations')
        .where({ kind: 'deploy' })
        .whereIn('status', ['queued', 'running'])
        .update({ status });

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      ({ server } = await startDockerEnvTestBackend({
        knex,
        config: { dockerEnv: { quotas: { default: { containers: 3 } } } },
      }));
    });

    it('counts distinct containers across the owner environments and answers 409 naming the quota beyond it', async () => {
      const one = await environment();
      const two = await environment();
      expect((await deploy(one, 'web')).status).toBe(202);
      await finishDeploys('succeeded');
      // a redeploy of an existing container is not a new one
      expect((await deploy(one, 'web')).status).toBe(202);
      await finishDeploys('succeeded');
      // the same name in another environment is another container; a queued deploy reserves its container
      expect((await deploy(two, 'web')).status).toBe(202);
      expect((await deploy(two, 'api')).status).toBe(202);
      expect((await usage()).containers).toBe(3);
      const over = await deploy(one, 'worker');
      expect(over.status).toBe(409);
      expect(over.body.error.message).toBe(
        'over the quota of user:default/alice: containers: 4 with this deployment, quota 3 (3 in use)',
      );
      const deploys = await knex('operations').where({ kind: 'deploy' });
      expect(deploys).toHaveLength(4);
      expect(
        await knex('audit_events').where({
          action: 'deployment.create',
          result: 'refused',
        }),
      ).toHaveLength(1);
      // a redeploy still passes at the quota
      await finishDeploys('succeeded');
      expect((await deploy(two, 'api')).status).toBe(202);

      // a failed (rolled back) first deploy left no container; a deleted environment frees its containers
      await knex('operations')
        .where({ kind: 'deploy' })
        .whereIn('status', ['queued', 'succeeded'])
        .andWhere('input', 'like', '%"api"%')
        .update({ status: 'rolled_back' });
      expect((await deploy(one, 'worker')).status).toBe(202);
      expect((await deploy(one, 'cron')).status).toBe(409);
      await knex('environments')
        .where({ name: two.name })
        .update({ status: 'deleted' });
      // left: one/web and one/worker
      expect((await usage()).containers).toBe(2);
      expect((await deploy(one, 'cron')).status).toBe(202);
      expect((await usage()).containers).toBe(3);
    });
  },
);
