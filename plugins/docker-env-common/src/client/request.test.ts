import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResponseError, ServiceUnavailableError } from '@backstage/errors';
import { spec } from '../api/spec/openapi';
import { DockerEnvApiClient } from './DockerEnvApiClient';

type Handler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: string,
) => void;

/** A loopback stand-in for the backend: answers with `handler`, records each request. */
async function loopback(handler: Handler) {
  const seen: Array<{ method: string; url: string; auth?: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        auth: req.headers.authorization,
      });
      handler(req, res, body);
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    seen,
    base,
    close: () =>
      new Promise(r => {
        server.closeAllConnections();
        server.close(r);
      }),
  };
}

const json = (res: http.ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

describe('the docker-env API client over HTTP', () => {
  const servers: Array<{ close(): Promise<unknown> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(s => s.close()));
  });
  const start = async (handler: Handler) => {
    const s = await loopback(handler);
    servers.push(s);
    return s;
  };
  const clientOf = (
    base: string,
    more: Partial<ConstructorParameters<typeof DockerEnvApiClient>[0]> = {},
  ) =>
    new DockerEnvApiClient({
      discoveryApi: { getBaseUrl: async () => base },
      ...more,
    });

  it('sends the token of the token provider on every call', async () => {
    const backend = await start((_q, res) => json(res, 200, { ok: true }));
    let n = 0;
    const client = clientOf(backend.base, { getToken: async () => `t${++n}` });
    await client.getPlatformStatus();
    await client.getPlatformStatus();
    expect(backend.seen.map(s => s.auth)).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('pages through every environment with the cursor', async () => {
    const backend = await start((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const cursor = url.searchParams.get('cursor');
      json(res, 200, {
        items: [{ name: cursor ? 'b' : 'a' }],
        totalCount: 2,
        nextCursor: cursor ? null : 'after-a',
      });
    });
    const all = await clientOf(backend.base).listAllEnvironments(1);
    expect(all.map(e => e.name)).toEqual(['a', 'b']);
    expect(backend.seen.map(s => s.url)).toEqual([
      '/environments?limit=1',
      '/environments?limit=1&cursor=after-a',
    ]);
  });

  it('sends the Idempotency-Key of a create', async () => {
    let key: string | undefined;
    const backend = await start((req, res) => {
      key = req.headers['idempotency-key'] as string;
      json(res, 202, { environment: { name: 'x' }, operation: { id: 'op' } });
    });
    await clientOf(backend.base).createEnvironment(
      { name: 'x', owner: 'user:default/a', size: 'S' },
      { idempotencyKey: 'task-1' },
    );
    expect(key).toBe('task-1');
  });

  it('gives up after the timeout with ServiceUnavailableError naming the route', async () => {
    const backend = await start(() => {
      // never answers
    });
    const error = await clientOf(backend.base, { timeoutMs: 200 })
      .getEnvironment('slow')
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      'The docker-env backend did not answer GET /environments/slow (no answer within 200 ms)',
    );
  });

  it('says so when nothing listens', async () => {
    const backend = await start(() => undefined);
    const base = backend.base;
    await servers.pop()!.close();
    await expect(clientOf(base).getPlatformStatus()).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
  });

  it("passes the caller's own abort on as it is", async () => {
    const backend = await start(() => undefined);
    const controller = new AbortController();
    const pending = clientOf(backend.base).checkName('x', {
      signal: controller.signal,
    });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses an answer larger than maxResponseBytes', async () => {
    const backend = await start((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"items":[${'"x",'.repeat(5000)}`);
      res.end('"x"]}');
    });
    await expect(
      clientOf(backend.base, { maxResponseBytes: 1000 }).listAuditEvents(),
    ).rejects.toThrow('answer exceeds 1000 bytes');
    await expect(
      clientOf(backend.base, { maxResponseBytes: 100_000 }).listAuditEvents(),
    ).resolves.toHaveLength(5001);
  });

  it("throws a ResponseError whose cause is the backend's error", async () => {
    const backend = await start((_q, res) =>
      json(res, 400, {
        error: { name: 'InputError', message: 'name: too short' },
        response: { statusCode: 400 },
      }),
    );
    const error = await clientOf(backend.base)
      .checkName('x')
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.cause).toMatchObject({
      name: 'InputError',
      message: 'name: too short',
    });
  });

  it('calls only routes of the spec, on their methods', async () => {
    const backend = await start((req, res) => {
      if (req.method === 'DELETE' && req.url!.includes('/tokens/')) {
        res.writeHead(204).end();
        return;
      }
      json(res, 200, {
        items: [],
        operation: {},
        logs: '',
        nextCursor: null,
      });
    });
    const client = clientOf(backend.base);
    const calls: Array<() => Promise<unknown>> = [
      () => client.listEnvironments(),
      () => client.createEnvironment({ name: 'n', owner: 'o' }),
      () => client.getEnvironment('n'),
      () => client.checkName('n'),
      () => client.extendEnvironment('n', '2099-01-01'),
      () => client.pauseEnvironment('n'),
      () => client.resumeEnvironment('n'),
      () => client.deleteEnvironment('n', 'n'),
      () => client.listOperations('n'),
      () => client.listSnapshots('n'),
      () => client.createSnapshot('n', 'd'),
      () => client.rollbackSnapshot('n', 's'),
      () => client.deleteSnapshot('n', 's'),
      () => client.listContainers('n'),
      () => client.getContainerLogs('n', 'c'),
      () => client.getQuota('o'),
      () => client.getDefaultQuota(),
      () => client.setQuota('o', { cpuCores: 1 }),
      () => client.listRequests(),
      () => client.approveRequest('r'),
      () => client.rejectRequest('r', 'why'),
      () => client.listAuditEvents(),
      () => client.getPlatformStatus(),
      () => client.listDeployTokens('n'),
      () => client.createDeployToken('n', { description: 'd' }),
      () => client.revokeDeployToken('n', 't'),
      () => client.listDeployments('n'),
      () => client.getDeployment('n', 'd'),
      () => client.listDrift(),
      () => client.getEnvironmentDrift('n'),
      () => client.listFinalBackups(),
      () => client.restoreFinalBackup('b', 'n'),
    ];
    for (const call of calls) await call();
    const routes = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.keys(item).map(method => ({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/?]+')}(\\?|$)`),
      })),
    );
    for (const { method, url } of backend.seen) {
      expect({
        call: `${method} ${url}`,
        inSpec: routes.some(r => r.method === method && r.pattern.test(url)),
      }).toEqual({ call: `${method} ${url}`, inSpec: true });
    }
    expect(backend.seen).toHaveLength(calls.length);
  });
});
