import { mockCredentials } from '@backstage/backend-test-utils';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import request from 'supertest';

jest.setTimeout(60_000);

const API = '/api/docker-env';
const alice = mockCredentials.user.header('user:default/alice');

// The per-address limits of the public endpoints (create, names, tokens), loopback not exempted here.
describe('endpoint rate limits', () => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];

  beforeAll(async () => {
    ({ server } = await startDockerEnvTestBackend({
      config: {
        dockerEnv: {
          rateLimits: {
            ipAllowList: [],
            createPerMinute: 2,
            namesPerMinute: 3,
            tokensPerMinute: 2,
          },
        },
      },
    }));
  });

  it('answers 429 with Retry-After past each limit, and counts each endpoint on its own', async () => {
    const names = [];
    for (let i = 0; i < 4; i++)
      names.push(
        await request(server)
          .get(`${API}/names/free${i}`)
          .set('Authorization', alice),
      );
    expect(names.map(r => r.status)).toEqual([200, 200, 200, 429]);
    expect(Number(names[3].headers['retry-after'])).toBeGreaterThan(0);
    expect(names[3].body.error.message).toMatch(
      /^rate limit: at most 3 names requests per client address per minute/,
    );

    const create = (name: string) =>
      request(server)
        .post(`${API}/environments`)
        .set('Authorization', alice)
        .send({ name, owner: 'user:default/alice', size: 'S' });
    expect((await create('limited-a')).status).toBe(202);
    expect((await create('limited-b')).status).toBe(202);
    expect((await create('limited-c')).status).toBe(429);

    const token = () =>
      request(server)
        .post(`${API}/environments/limited-a/tokens`)
        .set('Authorization', alice)
        .send({ description: 'ci' });
    expect((await token()).status).toBe(201);
    expect((await token()).status).toBe(201);
    expect((await token()).status).toBe(429);
    // other endpoints are not limited
    for (let i = 0; i < 5; i++)
      expect(
        (
          await request(server)
            .get(`${API}/environments/limited-a`)
            .set('Authorization', alice)
        ).status,
      ).toBe(200);
  });
});
