import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';

jest.setTimeout(60_000);

/** Every route of the core API (others' concerns add theirs to their own tests). */
const ROUTES: Array<[method: 'get' | 'post', path: string]> = [
  ['post', '/api/docker-env/environments'],
  ['get', '/api/docker-env/environments'],
  ['get', '/api/docker-env/environments/alpha'],
  ['get', '/api/docker-env/environments/alpha/operations'],
  ['get', '/api/docker-env/names/alpha'],
  ['get', '/api/docker-env/status'],
];

describe('dockerEnvPlugin', () => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];

  beforeAll(async () => {
    ({ server } = await startDockerEnvTestBackend());
  });

  it('serves /health without credentials, cheaply', async () => {
    const health = await request(server)
      .get('/api/docker-env/health')
      .set('Authorization', mockCredentials.none.header());
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
  });

  it.each(ROUTES)(
    '%s %s refuses a caller without credentials (401)',
    async (method, path) => {
      const res = await request(server)
        [method](path)
        .set('Authorization', mockCredentials.none.header())
        .send(
          method === 'post'
            ? { name: 'alpha', owner: 'user:default/alice', size: 'S' }
            : undefined,
        );
      expect(res.status).toBe(401);
      expect(res.body.error.name).toBe('AuthenticationError');
    },
  );

  it('answers 404 for an unknown route', async () => {
    const res = await request(server)
      .get('/api/docker-env/nope')
      .set('Authorization', mockCredentials.user.header('user:default/alice'));
    expect(res.status).toBe(404);
  });
});
