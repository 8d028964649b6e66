import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { DockerEnvApiClient } from './DockerEnvApiClient';

const base = 'http://backend/api/docker-env';

// Moved from the frontend's DockerEnvClient tests (issue 18): the frontend now uses this client.
describe('DockerEnvApiClient', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const client = new DockerEnvApiClient({
    discoveryApi: { getBaseUrl: async () => base },
    fetchApi: { fetch: (...args) => fetch(...args) },
  });

  it('lists environments with the filters as query parameters', async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${base}/environments`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json({ items: [{ name: 'demo' }], totalCount: 1 });
      }),
    );
    const page = await client.listEnvironments({
      owner: 'group:default/a',
      limit: 5,
    });
    expect(page.items).toEqual([{ name: 'demo' }]);
    expect(url?.searchParams.get('owner')).toBe('group:default/a');
    expect(url?.searchParams.get('limit')).toBe('5');
  });

  it('asks about a name, encoded', async () => {
    server.use(
      http.get(`${base}/names/:name`, ({ params }) =>
        HttpResponse.json({
          available: false,
          reason: `${params.name} is taken`,
        }),
      ),
    );
    await expect(client.checkName('a b')).resolves.toEqual({
      available: false,
      reason: 'a b is taken',
    });
  });

  it('deletes with confirmName as a query parameter and returns the operation', async () => {
    let confirm: string | null = null;
    server.use(
      http.delete(`${base}/environments/demo`, ({ request }) => {
        confirm = new URL(request.url).searchParams.get('confirmName');
        return HttpResponse.json(
          { operation: { id: 'op', kind: 'delete', status: 'queued' } },
          { status: 202 },
        );
      }),
    );
    await expect(
      client.deleteEnvironment('demo', 'demo'),
    ).resolves.toMatchObject({
      id: 'op',
    });
    expect(confirm).toBe('demo');
  });

  it("lists snapshots with Proxmox's snaptime as createdAt", async () => {
    server.use(
      http.get(`${base}/environments/demo/snapshots`, () =>
        HttpResponse.json({
          items: [{ name: 's1', description: 'nightly', snaptime: 1796177794 }],
        }),
      ),
    );
    await expect(client.listSnapshots('demo')).resolves.toEqual([
      {
        name: 's1',
        description: 'nightly',
        snaptime: 1796177794,
        createdAt: '2026-12-02T02:16:34.000Z',
      },
    ]);
  });

  it('sends JSON bodies for snapshots, rejections and quotas', async () => {
    const bodies: Record<string, unknown> = {};
    server.use(
      http.post(`${base}/environments/demo/snapshots`, async ({ request }) => {
        bodies.snapshot = await request.json();
        return HttpResponse.json(
          { operation: { id: 'op', kind: 'snapshot', status: 'queued' } },
          { status: 202 },
        );
      }),
      http.post(`${base}/requests/r1/reject`, async ({ request }) => {
        bodies.reject = await request.json();
        return new HttpResponse(null, { status: 204 });
      }),
      http.put(`${base}/quotas/group%3Adefault%2Fa`, async ({ request }) => {
        bodies.quota = await request.json();
        return HttpResponse.json({});
      }),
    );
    await client.createSnapshot('demo', 'before upgrade');
    await client.rejectRequest('r1', 'too big');
    await client.setQuota('group:default/a', { cpuCores: 8 });
    expect(bodies).toEqual({
      snapshot: { description: 'before upgrade' },
      reject: { reason: 'too big' },
      quota: { cpuCores: 8 },
    });
  });

  it('throws a ResponseError carrying the backend message', async () => {
    server.use(
      http.post(`${base}/environments/demo/pause`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ConflictError',
              message: 'resume of demo is running',
            },
            response: { statusCode: 409 },
          },
          { status: 409 },
        ),
      ),
    );
    await expect(client.pauseEnvironment('demo')).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 409,
      body: { error: { message: 'resume of demo is running' } },
    });
  });

  it('creates, lists and revokes deploy tokens and reads deployments on their paths', async () => {
    const calls: string[] = [];
    let created: unknown;
    server.use(
      http.post(`${base}/environments/demo/tokens`, async ({ request }) => {
        created = await request.json();
        return HttpResponse.json(
          { id: 't1', token: 'secret' },
          { status: 201 },
        );
      }),
      http.get(`${base}/environments/demo/tokens`, () =>
        HttpResponse.json({ items: [{ id: 't1' }] }),
      ),
      http.delete(`${base}/environments/demo/tokens/:id`, ({ params }) => {
        calls.push(`revoke ${params.id}`);
        return new HttpResponse(null, { status: 204 });
      }),
      http.get(`${base}/environments/demo/deployments`, () =>
        HttpResponse.json({ items: [{ id: 'd1' }] }),
      ),
      http.get(`${base}/environments/demo/deployments/:id`, ({ params }) =>
        HttpResponse.json({ id: params.id }),
      ),
    );
    const token = await client.createDeployToken('demo', {
      description: 'ci',
      expiresOn: '2099-01-01',
    });
    expect(token.token).toBe('secret');
    expect(created).toEqual({ description: 'ci', expiresOn: '2099-01-01' });
    expect(await client.listDeployTokens('demo')).toEqual([{ id: 't1' }]);
    await client.revokeDeployToken('demo', 't1');
    expect(calls).toEqual(['revoke t1']);
    expect(await client.listDeployments('demo')).toEqual([{ id: 'd1' }]);
    expect(await client.getDeployment('demo', 'd1')).toEqual({ id: 'd1' });
  });

  it("reads drift flags with the filters, and one environment's flags", async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${base}/drift`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json({ items: [{ id: 1, kind: 'orphan' }] });
      }),
      http.get(`${base}/environments/:name/drift`, ({ params }) =>
        HttpResponse.json({ items: [{ id: 2, environmentName: params.name }] }),
      ),
    );
    expect(await client.listDrift({ kind: 'ct_stopped', limit: 50 })).toEqual([
      { id: 1, kind: 'orphan' },
    ]);
    expect(url?.searchParams.get('kind')).toBe('ct_stopped');
    expect(url?.searchParams.get('limit')).toBe('50');
    expect(url?.searchParams.has('environment')).toBe(false);
    expect(await client.getEnvironmentDrift('a b')).toEqual([
      { id: 2, environmentName: 'a b' },
    ]);
  });

  it('lists final backups and restores one under a new name', async () => {
    let body: unknown;
    server.use(
      http.get(`${base}/backups`, () =>
        HttpResponse.json({ items: [{ id: 'b1', environment: 'old' }] }),
      ),
      http.post(`${base}/backups/:id/restore`, async ({ request, params }) => {
        body = await request.json();
        return HttpResponse.json(
          {
            environment: { name: 'back', id: params.id },
            operation: { id: 'op', kind: 'restore' },
          },
          { status: 202 },
        );
      }),
    );
    expect(await client.listFinalBackups()).toEqual([
      { id: 'b1', environment: 'old' },
    ]);
    const answer = await client.restoreFinalBackup('b1', 'back');
    expect(body).toEqual({ name: 'back' });
    expect(answer.environment).toEqual({ name: 'back', id: 'b1' });
    expect(answer.operation.kind).toBe('restore');
  });
});
