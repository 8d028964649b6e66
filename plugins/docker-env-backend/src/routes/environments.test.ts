import { mockCredentials } from '@backstage/backend-test-utils';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';

jest.setTimeout(60_000);

const API = '/api/docker-env';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

describe('environment routes', () => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  let netbox: Server;

  beforeAll(async () => {
    netbox = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify(
          req.url === '/api/status/' ? { 'netbox-version': '4.4.1' } : {},
        ),
      );
    });
    await new Promise<void>(r => netbox.listen(0, '127.0.0.1', r));
    const port = (netbox.address() as AddressInfo).port;
    ({ server } = await startDockerEnvTestBackend({
      config: {
        dockerEnv: {
          netbox: {
            baseUrl: `http://127.0.0.1:${port}`,
            allowInsecure: true,
            token: 'nbt_x.y',
          },
          portainer: {
            baseUrl: 'http://127.0.0.1:1',
            allowInsecure: true,
            apiKey: 'k',
          },
          status: { timeoutMs: 500 },
        },
      },
    }));
  });
  afterAll(() => new Promise(r => netbox.close(r)));

  const create = (user: string, body: object, key?: string) => {
    const req = request(server)
      .post(`${API}/environments`)
      .set('Authorization', as(user));
    if (key) req.set('Idempotency-Key', key);
    return req.send(body);
  };

  it('creates an environment in provisioning with a queued provision operation', async () => {
    const res = await create('alice', {
      name: 'created-one',
      owner: 'user:default/alice',
      size: 'M',
      purpose: 'demo',
      expiresOn: '2099-01-01',
    });
    expect(res.status).toBe(202);
    expect(res.body.environment).toMatchObject({
      name: 'created-one',
      owner: 'user:default/alice',
      status: 'provisioning',
      size: 'M',
      cpuCores: 2,
      memoryMb: 4096,
      diskGb: 32,
      purpose: 'demo',
      expiresOn: '2099-01-01',
      createdBy: 'user:default/alice',
    });
    expect(res.body.operation).toMatchObject({
      kind: 'provision',
      status: 'queued',
      environmentId: res.body.environment.id,
      steps: [],
    });

    const one = await request(server)
      .get(`${API}/environments/created-one`)
      .set('Authorization', as('alice'));
    expect(one.status).toBe(200);
    expect(one.body).toEqual(res.body.environment);
    const ops = await request(server)
      .get(`${API}/environments/created-one/operations`)
      .set('Authorization', as('alice'));
    expect(ops.body.items).toEqual([res.body.operation]);

    const again = await create('alice', {
      name: 'created-one',
      owner: 'user:default/alice',
      size: 'S',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/name: "created-one" is taken/);
  });

  it('answers the same key with the same answer, and refuses the key for another request', async () => {
    const body = {
      name: 'idem-one',
      owner: 'group:default/team-a',
      cpuCores: 2,
      memoryMb: 1024,
      diskGb: 10,
    };
    const first = await create('carol', body, 'task-1');
    const second = await create('carol', body, 'task-1');
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    const other = await create('carol', { ...body, cpuCores: 3 }, 'task-1');
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(/Idempotency-Key/);
    const list = await request(server)
      .get(`${API}/environments?owner=group:default/team-a`)
      .set('Authorization', as('carol'));
    expect(
      list.body.items.filter((e: any) => e.name === 'idem-one'),
    ).toHaveLength(1);
  });

  it('checks names: invalid, reserved, taken, available', async () => {
    const check = async (name: string) =>
      (
        await request(server)
          .get(`${API}/names/${name}`)
          .set('Authorization', as('bob'))
      ).body;
    await create('alice', {
      name: 'taken-one',
      owner: 'user:default/alice',
      size: 'S',
    });
    expect(await check('taken-one')).toMatchObject({
      available: false,
      reason: 'taken',
    });
    expect(await check('portainer')).toMatchObject({
      available: false,
      reason: 'reserved',
    });
    expect(await check('xn--abc')).toMatchObject({
      available: false,
      reason: 'invalid',
      message: expect.stringMatching(/two hyphens/),
    });
    expect(await check('Bad_Name')).toMatchObject({
      available: false,
      reason: 'invalid',
    });
    expect(await check('free-one')).toEqual({
      name: 'free-one',
      available: true,
      reason: null,
      message: null,
    });
  });

  it('pages the list with a cursor and filters by status', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) {
      await create('bob', {
        name: n,
        owner: 'group:default/team-b',
        size: 'S',
      });
    }
    const first = await request(server)
      .get(`${API}/environments?owner=group:default/team-b&limit=2`)
      .set('Authorization', as('bob'));
    expect(first.body.items.map((e: any) => e.name)).toEqual([
      'page-a',
      'page-b',
    ]);
    expect(first.body.totalCount).toBe(3);
    const next = await request(server)
      .get(
        `${API}/environments?owner=group:default/team-b&limit=2&cursor=${first.body.nextCursor}`,
      )
      .set('Authorization', as('bob'));
    expect(next.body).toMatchObject({
      items: [{ name: 'page-c' }],
      nextCursor: null,
    });
    const ready = await request(server)
      .get(`${API}/environments?owner=group:default/team-b&status=ready`)
      .set('Authorization', as('bob'));
    expect(ready.body).toEqual({ items: [], totalCount: 0, nextCursor: null });
  });

  it('reports each external system with its version, with short timeouts', async () => {
    const res = await request(server)
      .get(`${API}/status`)
      .set('Authorization', as('root'));
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.systems).toEqual([
      expect.objectContaining({
        name: 'netbox',
        reachable: true,
        version: '4.4.1',
      }),
      expect.objectContaining({
        name: 'portainer',
        reachable: false,
        version: null,
        error: expect.any(String),
      }),
    ]);
  });
});
