import {
  coreServices,
  createServiceFactory,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  DEFAULT_REGISTRY_IMAGES,
  DockerEngineSimulator,
} from '@docker-env/lab';
import { DockerClient } from '@docker-env/plugin-docker-env-node';
import knexFactory, { type Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';

// The acceptance canary of issue 21: a deployment's env value and registry password, unique to this run, go through a
// deploy, a rolled-back deploy and a redeploy on the lab's Docker engine; neither appears in any API response, log
// line, notification, webhook body or the SQLite file of the database.
jest.setTimeout(120_000);

const CANARY = `canary-${randomUUID()}`;
const PASSWORD = `pw-${randomUUID()}`;
const PRIVATE = 'registry.example.com/team/private:1';
const API = '/api/docker-env';
const alice = mockCredentials.user.header('user:default/alice');

/** A logger that keeps every line with its metadata (the backend's root logger). */
function capturingLogger(lines: string[]): LoggerService {
  const make = (fields: object): LoggerService => {
    const log = (message: string, meta?: unknown) =>
      void lines.push(`${message} ${JSON.stringify({ ...fields, meta })}`);
    return {
      error: log,
      warn: log,
      info: log,
      debug: log,
      child: more => make({ ...fields, ...more }),
    };
  };
  return make({});
}

describe('deployment secrets canary', () => {
  const ip = `127.91.${process.pid % 250}.1`;
  const seen: string[] = [];
  const logLines: string[] = [];
  const notifications: string[] = [];
  const webhookBodies: string[] = [];
  let work: string;
  let dbFile: string;
  let knex: Knex;
  let engine: DockerEngineSimulator;
  let webhook: http.Server;
  let backend: Awaited<ReturnType<typeof startDockerEnvTestBackend>>;
  let token: string;

  /** Every response body is kept for the final search. */
  const call = async (r: request.Test) => {
    const res = await r;
    seen.push(res.text ?? '');
    return res;
  };

  async function deployAndWait(body: object) {
    const res = await call(
      request(backend.server)
        .post(`${API}/environments/shop/deployments`)
        .set('X-Deploy-Token', token)
        .send(body),
    );
    expect(res.status).toBe(202);
    for (let i = 0; i < 600; i++) {
      const op = await call(
        request(backend.server)
          .get(`${API}/environments/shop/deployments/${res.body.id}`)
          .set('X-Deploy-Token', token),
      );
      if (!['queued', 'running'].includes(op.body.status)) return op.body;
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error('the deployment did not end');
  }

  beforeAll(async () => {
    work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'canary-'));
    dbFile = path.join(work, 'docker-env.sqlite');
    engine = await DockerEngineSimulator.start({
      host: ip,
      latencyScale: 0,
      registry: [
        ...DEFAULT_REGISTRY_IMAGES,
        {
          ref: PRIVATE,
          exposedPorts: ['80/tcp'],
          auth: { username: 'ci', password: PASSWORD },
        },
        {
          ref: 'registry.example.com/team/broken:1',
          exposedPorts: ['80/tcp'],
          env: ['LAB_HEALTH_STATUS=503'],
        },
      ],
    });
    webhook = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => (body += c));
      req.on('end', () => {
        webhookBodies.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>(r => webhook.listen(0, '127.0.0.1', r));
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: dbFile },
      useNullAsDefault: true,
    });
    backend = await startDockerEnvTestBackend({
      knex,
      config: {
        dockerEnv: {
          runner: { enabled: true, pollIntervalMs: 100 },
          traefik: {
            baseDomain: 'docker.localhost',
            entryPoints: ['web'],
            tls: false,
            directory: work,
          },
          docker: { kind: 'tcp', port: engine.port, allowInsecure: true },
          deployments: {
            healthTries: 5,
            healthIntervalMs: 50,
            graceMs: 100,
            stopTimeoutSeconds: 1,
          },
          notifier: {
            webhooks: [
              {
                url: `http://127.0.0.1:${
                  (webhook.address() as AddressInfo).port
                }/hook`,
                secret: 'webhook-secret-of-the-canary-test',
              },
            ],
          },
        },
      },
      features: [
        createServiceFactory({
          service: coreServices.rootLogger,
          deps: {},
          factory: () => capturingLogger(logLines) as any,
        }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({
            send: async (n: unknown) =>
              void notifications.push(JSON.stringify(n)),
          }),
        }),
      ],
    });
    const id = randomUUID();
    const now = new Date();
    await knex('environments').insert({
      id,
      name: 'shop',
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
      // the facts the runner leaves on the row when provisioning succeeds
      facts: JSON.stringify({ ip }),
    });
    await knex('operations').insert({
      id: randomUUID(),
      environment_id: id,
      kind: 'provision',
      status: 'succeeded',
      input: '{}',
      result: JSON.stringify({ ip }),
      requested_by: 'user:default/alice',
      created_at: now,
      ended_at: now,
    });
    const created = await call(
      request(backend.server)
        .post(`${API}/environments/shop/tokens`)
        .set('Authorization', alice)
        .send({ description: 'canary' }),
    );
    token = created.body.token;
  });

  afterAll(async () => {
    await backend?.stop();
    await knex?.destroy();
    await engine?.stop();
    await new Promise(r => webhook?.close(r));
    if (work) await fs.promises.rm(work, { recursive: true, force: true });
  });

  it('deploy, rolled-back deploy and redeploy: the env value and the registry password appear nowhere', async () => {
    const secrets = {
      env: { API_KEY: CANARY },
      registryAuth: { username: 'ci', password: PASSWORD },
    };
    const base = { container: 'web', port: 80, healthPath: '/health' };
    const first = await deployAndWait({ ...base, image: PRIVATE, ...secrets });
    expect(first.status).toBe('succeeded');
    expect(first.input.deployment.envKeys).toEqual(['API_KEY']);
    const broken = await deployAndWait({
      ...base,
      image: 'registry.example.com/team/broken:1',
      env: { API_KEY: CANARY },
    });
    expect(broken.status).toBe('rolled_back');
    const again = await deployAndWait({ ...base, image: PRIVATE, ...secrets });
    expect(again.status).toBe('succeeded');
    // the container did get the value
    const docker = new DockerClient(
      { kind: 'tcp', host: ip, port: engine.port, allowInsecure: true },
      { timeoutMs: 10_000 },
    );
    expect(
      (await docker.inspect('web', { includeEnv: true })).env,
    ).toMatchObject({ API_KEY: CANARY });

    for (const route of [
      '/environments/shop/deployments',
      '/environments/shop/operations',
      '/environments/shop',
      '/audit?environment=shop',
      '/environments/shop/containers',
    ])
      await call(
        request(backend.server)
          .get(`${API}${route}`)
          .set('Authorization', alice),
      );
    await backend.stop();
    await knex.destroy();
    const file = fs.readFileSync(dbFile);

    const places = {
      responses: seen.join('\n'),
      logs: logLines.join('\n'),
      notifications: notifications.join('\n'),
      webhooks: webhookBodies.join('\n'),
      sqlite: file.toString('latin1'),
    };
    expect(logLines.length).toBeGreaterThan(10);
    expect(notifications.length).toBeGreaterThan(0);
    for (const [where, text] of Object.entries(places)) {
      expect({ where, canary: text.includes(CANARY) }).toEqual({
        where,
        canary: false,
      });
      expect({ where, password: text.includes(PASSWORD) }).toEqual({
        where,
        password: false,
      });
    }
  });
});
