import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { dockerEnvPlugin } from './plugin';

describe('dockerEnvPlugin', () => {
  it('serves /health without credentials', async () => {
    const { server } = await startTestBackend({
      features: [
        dockerEnvPlugin,
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    const health = await request(server)
      .get('/api/docker-env/health')
      .unset('Authorization');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });

    const unknown = await request(server).get('/api/docker-env/nope');
    expect(unknown.status).toBe(404);
  });
});
