import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { Validator } from 'jsonschema';
import yaml from 'yaml';
import { createEnvironmentAction } from './createEnvironmentAction';
import { examples } from './createEnvironmentAction.examples';

/** A loopback stand-in for the docker-env backend's HTTP API (the real one is tested in its plugin). */
class FakeBackend {
  server = http.createServer((req, res) => this.handle(req, res));
  requests: Array<{
    method: string;
    url: string;
    headers: http.IncomingHttpHeaders;
    body: any;
  }> = [];
  overQuota = false;
  failAt?: string;
  createStatus = 202;
  private polls = 0;
  base = '';

  async start() {
    await new Promise<void>(r => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${
      (this.server.address() as AddressInfo).port
    }`;
  }
  stop() {
    return new Promise(r => this.server.close(r));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    let raw = '';
    req.on('data', c => (raw += c));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : undefined;
      this.requests.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body,
      });
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const env = {
        name: 'shop-dev',
        url: 'http://shop-dev.docker.localhost:18000',
        portainerUrl: 'http://127.0.0.1:19443/#!/1/docker/dashboard',
      };
      if (req.method === 'POST' && req.url === '/environments') {
        if (this.createStatus !== 202) {
          return send(this.createStatus, {
            error: {
              name: 'ConflictError',
              message: 'name: "shop-dev" is taken',
            },
            response: { statusCode: this.createStatus },
          });
        }
        return this.overQuota
          ? send(202, {
              environment: env,
              request: { id: 'req-1', status: 'pending' },
            })
          : send(202, {
              environment: env,
              operation: { id: 'op-1', status: 'queued', steps: [] },
            });
      }
      if (
        req.method === 'GET' &&
        req.url === '/environments/shop-dev/operations'
      ) {
        this.polls++;
        const t0 = '2026-12-01T10:00:00.000Z';
        const t1 = '2026-12-01T10:00:02.500Z';
        const step = (position: number, name: string, status: string) => ({
          position,
          name,
          status,
          startedAt: t0,
          endedAt: status === 'running' ? null : t1,
          error: status === 'failed' ? 'no IP within 60 s' : null,
          facts: {},
        });
        let steps = [step(0, 'lxc', 'succeeded')];
        let status = 'succeeded';
        if (this.polls === 1) {
          steps = [step(0, 'lxc', 'running')];
          status = 'running';
        } else if (this.failAt) {
          steps = [step(0, 'lxc', 'undone'), step(1, this.failAt, 'failed')];
          status = 'rolled_back';
        }
        return send(200, {
          items: [
            {
              id: 'op-1',
              kind: 'provision',
              status,
              steps,
              failedStep: this.failAt ?? null,
              error: this.failAt
                ? `step ${this.failAt}: no IP within 60 s`
                : null,
            },
          ],
        });
      }
      if (req.method === 'GET' && req.url === '/environments/shop-dev')
        return send(200, env);
      if (req.method === 'GET' && req.url?.startsWith('/names/')) {
        return send(200, {
          available: req.url !== '/names/taken',
          message: 'the name is taken',
        });
      }
      return send(404, {
        error: { name: 'NotFoundError', message: 'no route' },
      });
    });
  }
}

describe('docker-env:environment:create', () => {
  let backend: FakeBackend;
  beforeEach(async () => {
    backend = new FakeBackend();
    await backend.start();
  });
  afterEach(() => backend.stop());

  const action = () =>
    createEnvironmentAction({
      auth: mockServices.auth(),
      discovery: {
        getBaseUrl: async () => backend.base,
        getExternalBaseUrl: async () => backend.base,
      },
      config: mockServices.rootConfig({
        data: { dockerEnv: { traefik: { baseDomain: 'docker.example.com' } } },
      }),
      pollIntervalMs: 5,
    });

  function context(input: Record<string, unknown>) {
    const lines: string[] = [];
    const ctx = createMockActionContext({
      input: input as any,
      task: { id: 'task-42' },
    });
    const logger = { ...ctx.logger, info: (m: string) => lines.push(m) } as any;
    return { ctx: { ...ctx, logger }, lines };
  }

  it('requests the environment on behalf of the initiator with the task id as idempotency key, and logs each step', async () => {
    const { ctx, lines } = context({
      name: 'shop-dev',
      owner: 'group:default/team-a',
      size: 'S',
      purpose: 'shop',
    });
    await action().handler(ctx as any);
    const post = backend.requests.find(r => r.method === 'POST')!;
    expect(post.headers['idempotency-key']).toBe('task-42');
    expect(post.headers.authorization).toMatch(/^Bearer /);
    expect(post.headers.authorization).toContain('user:default/mock');
    expect(post.body).toEqual({
      name: 'shop-dev',
      owner: 'group:default/team-a',
      size: 'S',
      purpose: 'shop',
    });
    expect(lines).toContain('step lxc: started');
    expect(lines).toContain('step lxc: done in 2.5 s');
    expect(ctx.output).toHaveBeenCalledWith(
      'url',
      'http://shop-dev.docker.localhost:18000',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'portainerUrl',
      expect.stringContaining('19443'),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'resource:default/shop-dev',
    );
    expect(ctx.output).toHaveBeenCalledWith('status', 'ready');
  });

  it('ends successfully with awaiting approval when over quota', async () => {
    backend.overQuota = true;
    const { ctx, lines } = context({
      name: 'shop-dev',
      owner: 'user:default/mock',
      size: 'M',
    });
    await action().handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('status', 'pending_approval');
    expect(lines.join('\n')).toMatch(/awaits an administrator's approval/);
    expect(backend.requests.some(r => r.url.endsWith('/operations'))).toBe(
      false,
    );
  });

  it('fails with one readable line naming the step and what to do', async () => {
    backend.failAt = 'ip';
    const { ctx, lines } = context({
      name: 'shop-dev',
      owner: 'user:default/mock',
      size: 'S',
    });
    const err = await action()
      .handler(ctx as any)
      .catch(e => e);
    expect(err.message).toBe(
      'Provisioning shop-dev failed at step ip: step ip: no IP within 60 s. What was created has been removed; fix the cause and run the template again.',
    );
    expect(err.message).not.toContain('\n');
    expect(lines).toContain('step ip: failed in 2.5 s: no IP within 60 s');
    expect(lines).toContain('step lxc: undone');
  });

  it('passes the backend refusal on with its message', async () => {
    backend.createStatus = 409;
    const { ctx } = context({
      name: 'shop-dev',
      owner: 'user:default/mock',
      size: 'S',
    });
    const err = await action()
      .handler(ctx as any)
      .catch(e => e);
    expect(err.message).toBe(
      'name: "shop-dev" is taken: choose another name, or wait until the running operation ends and try again.',
    );
    // the scaffolder writes a failed step's stack to the task log: one line, no trace
    expect(err.stack).toBe(err.message);
  });

  it('refuses a custom size without all three values before calling the backend', async () => {
    const { ctx } = context({
      name: 'shop-dev',
      owner: 'user:default/mock',
      size: 'custom',
      cpuCores: 2,
    });
    await expect(action().handler(ctx as any)).rejects.toThrow(
      'size: custom needs cpuCores, memoryMb and diskGb',
    );
    expect(backend.requests).toHaveLength(0);
  });

  it('dry run checks the name and creates nothing', async () => {
    const { ctx } = context({
      name: 'shop-dev',
      owner: 'user:default/mock',
      size: 'S',
    });
    await action().handler({ ...ctx, isDryRun: true } as any);
    expect(backend.requests.map(r => r.method)).toEqual(['GET']);
    expect(ctx.output).toHaveBeenCalledWith(
      'url',
      'https://shop-dev.docker.example.com',
    );
    const taken = context({
      name: 'taken',
      owner: 'user:default/mock',
      size: 'S',
    });
    await expect(
      action().handler({ ...taken.ctx, isDryRun: true } as any),
    ).rejects.toThrow('name: the name is taken');
  });

  it.each(examples.map(e => [e.description, e] as const))(
    'runs the example "%s"',
    async (_d, example) => {
      const input = yaml.parse(example.example).steps[0].input;
      const schema = action().schema!.input as any;
      expect(new Validator().validate(input, schema).errors).toEqual([]);
      const { ctx } = context({ ...input, name: 'shop-dev' });
      await action().handler(ctx as any);
      expect(backend.requests.find(r => r.method === 'POST')!.body.owner).toBe(
        input.owner,
      );
    },
  );
});
