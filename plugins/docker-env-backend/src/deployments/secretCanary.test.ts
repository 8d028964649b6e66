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
import { storeTestDatabaseIds } from '@docker-env/lab-testing/backend/databases';
import knexFactory, { type Knex } from 'knex';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';

// The acceptance canary of issue 21: a deployment's env value and registry password, unique to this run, go through a
// deploy, a rolled-back deploy and a redeploy on the lab's Docker engine; neither appears in any API response, log
// line, notification, webhook body, the SQLite file of the database or a pg_dump of the PostgreSQL database (where the
// test services provide PostgreSQL; under CI they must).
jest.setTimeout(120_000);

const run = promisify(execFile);

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

/** A database the backend runs on, and how to read everything it stored. */
interface CanaryStore {
  open(work: string): Promise<Knex>;
  /** Everything stored, as text (called after the backend and its knex are gone). */
  dump(): Promise<string>;
  close(): Promise<void>;
}

function sqliteStore(): CanaryStore {
  let file = '';
  return {
    async open(work) {
      file = path.join(work, 'docker-env.sqlite');
      return knexFactory({
        client: 'better-sqlite3',
        connection: { filename: file },
        useNullAsDefault: true,
      });
    },
    async dump() {
      return fs.readFileSync(file).toString('latin1');
    },
    async close() {},
  };
}

function postgresStore(url: string): CanaryStore {
  const name = `canary_${randomUUID().replace(/-/g, '')}`;
  const admin = () => knexFactory({ client: 'pg', connection: url });
  const dbUrl = `${url.replace(/\/$/, '')}/${name}`;
  return {
    async open() {
      const a = admin();
      try {
        await a.raw('CREATE DATABASE ??', [name]);
      } finally {
        await a.destroy();
      }
      return knexFactory({ client: 'pg', connection: dbUrl });
    },
    async dump() {
      const { stdout } = await run('pg_dump', ['--dbname', dbUrl], {
        timeout: 60_000,
        maxBuffer: 256 * 1024 * 1024,
      });
      return stdout;
    },
    async close() {
      const a = admin();
      try {
        await a.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
      } finally {
        await a.destroy();
      }
    },
  };
}

const STORES: [string, () => CanaryStore][] = [
  ['sqlite file', sqliteStore],
  ...(storeTestDatabaseIds().includes('POSTGRES_15')
    ? [
        [
          'postgres pg_dump',
          () =>
            postgresStore(
              process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING!,
            ),
        ] as [string, () => CanaryStore],
      ]
    : []),
];

describe.each(STORES)(
  'deployment secrets canary (%s)',
  (storeName, makeStore) => {
    const ip = `127.91.${process.pid % 250}.${
      STORES.findIndex(([w]) => w === storeName) + 1
    }`;
    const store = makeStore();
    const seen: string[] = [];
    const logLines: string[] = [];
    const notifications: string[] = [];
    const webhookBodies: string[] = [];
    let work: string;
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
      knex = await store.open(work);
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
        // as the runner leaves the row: the provisioning's facts merged into it
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
      await store.close();
      if (work) await fs.promises.rm(work, { recursive: true, force: true });
    });

    it('deploy, rolled-back deploy and redeploy: the env value and the registry password appear nowhere', async () => {
      const secrets = {
        env: { API_KEY: CANARY },
        registryAuth: { username: 'ci', password: PASSWORD },
      };
      const base = { container: 'web', port: 80, healthPath: '/health' };
      const first = await deployAndWait({
        ...base,
        image: PRIVATE,
        ...secrets,
      });
      expect(first.status).toBe('succeeded');
      expect(first.input.deployment.envKeys).toEqual(['API_KEY']);
      const broken = await deployAndWait({
        ...base,
        image: 'registry.example.com/team/broken:1',
        env: { API_KEY: CANARY },
      });
      expect(broken.status).toBe('rolled_back');
      const again = await deployAndWait({
        ...base,
        image: PRIVATE,
        ...secrets,
      });
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
      const stored = await store.dump();

      const places = {
        responses: seen.join('\n'),
        logs: logLines.join('\n'),
        notifications: notifications.join('\n'),
        webhooks: webhookBodies.join('\n'),
        [storeName]: stored,
      };
      expect(logLines.length).toBeGreaterThan(10);
      expect(notifications.length).toBeGreaterThan(0);
      // the dump does hold the deployments (so a missing value is not a missing table)
      expect(stored).toContain(PRIVATE);
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
  },
);
