import {
  DOCKER_DEFAULT_LATENCIES,
  edgeRequest,
  startLab,
  type Lab,
} from '@docker-env/lab';
import { DockerClient } from '@docker-env/plugin-docker-env-node';
import type { Knex } from 'knex';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  queueProvisioning,
  sharedDatabase,
  sharedDatabaseKinds,
  type SharedDatabase,
} from '@docker-env/lab-testing/backend/processes/databaseFixture';
import {
  startBackendProcess,
  type BackendProcess,
} from '@docker-env/lab-testing/backend/processes/spawn';
import {
  stepStatus,
  until,
} from '@docker-env/lab-testing/backend/processes/waits';
import { labDockerEnvConfig } from '@docker-env/lab-testing/backend/provisioningLab';
import { DatabaseDeployTokenStore, DeployTokens, TokenHasher } from '../tokens';

jest.setTimeout(600_000);

const LATENCY_SCALE = 0.1;
const HOST = 'shop.docker.localhost';
const ENDED = ['succeeded', 'failed', 'rolled_back'];

// A rollout whose backend process is SIGKILLed half-way, then started again on the same database and lab: the
// deployment ends succeeded or rolled_back, with exactly one live container serving the environment's host through
// the lab's edge (never two, never none). The lab runs in this process (its engine latencies are set per case); the
// backends are real processes (`testing/processes`).
describe.each(sharedDatabaseKinds())(
  'a rollout whose backend is killed, on %s',
  kind => {
    let lab: Lab;
    let routesDir: string;
    let database: SharedDatabase;
    let db: Knex;
    let backend: BackendProcess;
    let token: string;
    let docker: DockerClient;
    const started: BackendProcess[] = [];

    const startBackend = async () => {
      const labConfig = labDockerEnvConfig(lab, routesDir, {
        pollIntervalMs: 50,
      });
      const b = await startBackendProcess({
        backend: { database: database.backendDatabase },
        dockerEnv: {
          ...labConfig,
          runner: {
            pollIntervalMs: 100,
            leaseSeconds: 2,
            recoveryFrequencySeconds: 1,
          },
          deployments: {
            // the lab's secrets key: the restarted backend opens what the killed one sealed
            ...(labConfig.deployments as object),
            healthTries: 30,
            healthIntervalMs: 100,
            graceMs: 1500,
          },
        },
      });
      started.push(b);
      return b;
    };

    const operation = (id: string) => db('operations').where({ id }).first();

    async function deploy(body: Record<string, unknown>): Promise<string> {
      const res = await fetch(
        `${backend.baseUrl}/api/docker-env/environments/shop/deployments`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-deploy-token': token,
          },
          body: JSON.stringify({ container: 'app', port: 80, ...body }),
          signal: AbortSignal.timeout(10_000),
        },
      );
      expect(res.status).toBe(202);
      return ((await res.json()) as { id: string }).id;
    }

    const ended = (id: string) =>
      until(`deployment ${id} to end`, async () => {
        const op = await operation(id);
        return ENDED.includes(op.status) ? op : undefined;
      });

    /** The deployed containers on the guest (running or not), and which one the edge serves on the host. */
    async function holdings() {
      const all = await docker.listContainers({
        all: true,
        labels: { 'io.docker-env.role': 'deployment' },
      });
      const live = all.filter(c => c.state === 'running');
      expect(live).toHaveLength(1);
      const served = await until(
        `the edge to serve ${live[0].name}`,
        async () => {
          const r = await edgeRequest(lab.urls.edge!, HOST);
          const container =
            r.status === 200 ? JSON.parse(r.text).container : undefined;
          return container === live[0].name ? container : undefined;
        },
      );
      return {
        containers: all.map(c => `${c.name} ${c.image} ${c.state}`),
        served,
        id: live[0].id,
      };
    }

    /** After a finished rollout: `app` runs `image`, alone, and the edge serves it. */
    async function checkFinished(image: string) {
      expect(await holdings()).toMatchObject({
        containers: [`app ${image} running`],
        served: 'app',
      });
    }

    /** Deploys `body`, SIGKILLs the backend once `when` holds, starts another one, waits for the end. */
    async function killedAt(
      body: Record<string, unknown>,
      when: { step: string; status: 'running' | 'succeeded' },
    ) {
      const id = await deploy(body);
      await until(`step ${when.step} ${when.status}`, async () =>
        (await stepStatus(db, id, when.step)) === when.status
          ? true
          : undefined,
      );
      await backend.kill();
      expect((await operation(id)).status).toBe('running');
      backend = await startBackend();
      const op = await ended(id);
      expect(Number(op.attempts)).toBe(2);
      return op;
    }

    beforeAll(async () => {
      routesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'killed-rollout-'));
      lab = await startLab({
        latencyScale: LATENCY_SCALE,
        edge: {
          directory: routesDir,
          logger: { info() {}, warn() {}, error() {} },
        },
      });
      database = await sharedDatabase(kind);
      backend = await startBackend();
      db = database.client();
      const { environmentId, operationId } = await queueProvisioning(
        db,
        'shop',
      );
      const provisioned = await until('shop to be provisioned', async () => {
        const op = await operation(operationId);
        return ENDED.includes(op.status) ? op : undefined;
      });
      if (provisioned.status !== 'succeeded')
        throw new Error(
          `provisioning ${provisioned.status}: ${provisioned.error}`,
        );
      const { ip } = JSON.parse(provisioned.result);
      docker = new DockerClient(
        { kind: 'tcp', host: ip, port: 2375, allowInsecure: true },
        { timeoutMs: 10_000 },
      );
      const tokens = new DeployTokens(
        new DatabaseDeployTokenStore(db),
        new TokenHasher(),
        async () => {},
      );
      ({ token } = await tokens.create({
        environmentId,
        description: 'killed rollout test',
        expiresAt: null,
        createdBy: 'user:default/alice',
      }));
      const first = await ended(await deploy({ image: 'nginx:1.27' }));
      if (first.status !== 'succeeded')
        throw new Error(`first deployment ${first.status}: ${first.error}`);
    });
    afterAll(async () => {
      for (const b of started) await b.stop().catch(() => {});
      await lab?.stop();
      await database?.dispose();
      await fs.rm(routesDir, { recursive: true, force: true });
    });
    afterEach(() => {
      for (const op of ['docker.container.inspect', 'docker.image.pull'])
        lab.guests.control.setLatency(op, DOCKER_DEFAULT_LATENCIES[op]);
    });

    it('killed during the health check of a healthy container: the restarted backend finishes the rollout', async () => {
      // every inspect takes 1 s, so the kill lands inside the health check's first one
      lab.guests.control.setLatency(
        'docker.container.inspect',
        1000 / LATENCY_SCALE,
      );
      const op = await killedAt(
        { image: 'nginx:latest' },
        { step: 'health', status: 'running' },
      );
      expect(op.status).toBe('succeeded');
      await checkFinished('nginx:latest');
    });

    it('killed during the health check of an unhealthy container: the restarted backend rolls back to the old one', async () => {
      const before = await holdings();
      const op = await killedAt(
        {
          image: 'traefik/whoami:latest',
          healthPath: '/health',
          env: { LAB_HEALTH_STATUS: '503' },
        },
        { step: 'health', status: 'running' },
      );
      expect(op.status).toBe('rolled_back');
      expect(op.error).toMatch(/app-new failed its health check/);
      expect(await holdings()).toEqual({ ...before, served: 'app' });
    });

    it('killed right after the route switch: the restarted backend retires the old container and finishes', async () => {
      const op = await killedAt(
        { image: 'traefik/whoami:latest' },
        { step: 'switch', status: 'succeeded' },
      );
      expect(op.status).toBe('succeeded');
      await checkFinished('traefik/whoami:latest');
    });

    it('killed during the pull of a deployment with registry credentials and env values: the restarted backend opens them and finishes', async () => {
      // the pull streams for 3 s
      lab.guests.control.setLatency('docker.image.pull', 4000 / LATENCY_SCALE);
      const op = await killedAt(
        {
          // an image the guest does not hold yet: a pull of one it holds ends in milliseconds, before the kill
          image: 'redis:7',
          registryAuth: { username: 'ci', password: 'job-token' },
          env: { CANARY: 'env-canary-value' },
        },
        { step: 'pull', status: 'running' },
      );
      expect(op.status).toBe('succeeded');
      await checkFinished('redis:7');
      const recorded = JSON.stringify(await operation(op.id));
      expect(recorded).not.toContain('job-token');
      expect(recorded).not.toContain('env-canary-value');
      // the sealed values are deleted once the rollout ended
      expect(
        Number((await db('deployment_secrets').count({ n: '*' }))[0].n),
      ).toBe(0);
    });
  },
);
