import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  dockerEnvTokensExtensionPoint,
  type TokenCreatorAccessRequest,
} from './tokensExtensionPoint';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const API = '/api/docker-env';

// A portal with its own permission policy decides the deploy tokens' creator check from a module, through
// dockerEnvTokensExtensionPoint; the plugin asks it at each use instead of the catalog.
describe('dockerEnvTokensExtensionPoint', () => {
  it("a module's creator check decides each use of a token", async () => {
    const asked: TokenCreatorAccessRequest[] = [];
    let allowed = true;
    const portalPolicy = createBackendModule({
      pluginId: 'docker-env',
      moduleId: 'portal-token-policy',
      register(env) {
        env.registerInit({
          deps: { tokens: dockerEnvTokensExtensionPoint },
          async init({ tokens }) {
            tokens.setTokenCreatorAccess(async req => {
              asked.push(req);
              return allowed;
            });
          },
        });
      },
    });
    const knex = await databases.init('SQLITE_3');
    const backend = await startDockerEnvTestBackend({
      knex,
      features: [portalPolicy],
    });
    const { server } = backend;
    try {
      const alice = mockCredentials.user.header('user:default/alice');
      const now = new Date();
      await knex('environments').insert({
        id: randomUUID(),
        name: 'tok',
        owner: 'user:default/alice',
        status: 'ready',
        size: 'S',
        cpu_cores: 1,
        memory_mb: 1024,
        disk_gb: 8,
        purpose: '',
        created_by: 'user:default/alice',
        created_at: now,
        updated_at: now,
      });
      const created = await request(server)
        .post(`${API}/environments/tok/tokens`)
        .set('Authorization', alice)
        .send({ description: 'ci' });
      expect(created.status).toBe(201);
      const use = () =>
        request(server)
          .get(`${API}/environments/tok/deployments/${randomUUID()}`)
          .set('X-Deploy-Token', created.body.token);

      // accepted: the token passes, the deployment is not there
      expect((await use()).status).toBe(404);
      allowed = false;
      const refused = await use();
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe(
        "X-Deploy-Token: the token's creator no longer has access",
      );
      expect(asked).toEqual([
        {
          creator: 'user:default/alice',
          environment: {
            id: expect.any(String),
            name: 'tok',
            owner: 'user:default/alice',
          },
        },
        expect.objectContaining({ creator: 'user:default/alice' }),
      ]);
    } finally {
      await backend.stop();
    }
  });
});
