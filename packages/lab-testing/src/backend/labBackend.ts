import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { type Lab, labClientConfig, startLab } from '@docker-env/lab';
import { PROVISION_STEP_NAMES } from '@docker-env/plugin-docker-env-workflows-node';
import { Knex } from 'knex';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { TEAM_A_CATALOG } from './catalog';
import { startDockerEnvTestBackend } from './backend';

/** The plugin's API prefix in the test backend. */
export const API = '/api/docker-env';

/** A signed-in test user's Authorization header. */
export const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}

/** The backend with its runner, in front of the lab (latency 0) and the lab's edge serving the route folder. */
export interface LabBackend {
  lab: Lab;
  server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  routesDir: string;
  /** The paused page the plugin serves (`dockerEnv.lifecycle.pausedPage`). */
  pausedUrl: string;
  /** Base domain of the environments' hosts. */
  baseDomain: string;
  /** The clients' config pointing at the lab, for a test's own view of it. */
  clients: ConfigReader;
  /** POST /environments as alice, then waits until it is `ready`; answers the record. */
  provision(name: string): Promise<Record<string, any>>;
  /** Polls GET /environments/{name} until its status is `status` (fails on timeout naming the last status). */
  waitForStatus(
    name: string,
    status: string,
    timeoutMs?: number,
  ): Promise<Record<string, any>>;
  stop(): Promise<void>;
}

/** Starts the lab and the plugin configured for it (runner polling every 20 ms, short lifecycle waits). */
export async function startLabBackend(options: {
  knex: Knex;
  dockerEnv?: JsonObject;
  /** Lifecycle settings over the short waits below (a fault test scales them down further). */
  lifecycle?: JsonObject;
  /** The processed catalog; default {@link TEAM_A_CATALOG}. */
  catalog?: Entity[];
}): Promise<LabBackend> {
  const routesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-backend-'));
  const lab = await startLab({
    latencyScale: 0,
    edge: { directory: routesDir },
  });
  const pausedPort = await freePort();
  const baseDomain = 'docker.example.com';
  const clients = labClientConfig(lab, { routesDir, baseDomain });
  const backend = await startDockerEnvTestBackend({
    knex: options.knex,
    // the provisioning step makes the owner's Portainer team from the catalog
    catalog: options.catalog ?? TEAM_A_CATALOG,
    config: {
      dockerEnv: {
        ...clients,
        runner: { pollIntervalMs: 20, leaseSeconds: 5 },
        // the container watchers have their own lab tests (src/watcher); a test that wants them sets this
        watcher: { enabled: false },
        provisioning: {
          agent: { scheme: 'http' },
          pollIntervalMs: 10,
          timeouts: Object.fromEntries(
            PROVISION_STEP_NAMES.map(n => [n, 5000]),
          ),
        },
        lifecycle: {
          backupStorage: 'backup',
          pausedRoute: { url: `http://127.0.0.1:${pausedPort}` },
          pausedPage: { port: pausedPort },
          shutdownTimeoutSeconds: 1,
          containerStopTimeoutSeconds: 1,
          taskTimeoutMs: 2000,
          backupTimeoutMs: 2000,
          ipTimeoutMs: 2000,
          dockerReadyTimeoutMs: 2000,
          pollIntervalMs: 20,
          ...options.lifecycle,
        },
        ...options.dockerEnv,
      },
    },
  });
  const server = backend.server;
  const waitForStatus = async (
    name: string,
    status: string,
    timeoutMs = 20_000,
  ) => {
    const deadline = Date.now() + timeoutMs;
    let last: Record<string, any> = {};
    for (;;) {
      const res = await request(server)
        .get(`${API}/environments/${name}`)
        .set('Authorization', as('root'));
      last = res.body;
      if (res.status === 200 && last.status === status) return last;
      if (Date.now() > deadline)
        throw new Error(
          `${name}: still ${last.status} (${last.statusReason}) after ${timeoutMs} ms, waiting for ${status}`,
        );
      await new Promise(r => setTimeout(r, 50));
    }
  };
  return {
    lab,
    server,
    routesDir,
    pausedUrl: `http://127.0.0.1:${pausedPort}`,
    baseDomain,
    clients: new ConfigReader({ dockerEnv: clients }),
    waitForStatus,
    async provision(name) {
      const res = await request(server)
        .post(`${API}/environments`)
        .set('Authorization', as('alice'))
        .send({ name, owner: 'user:default/alice', size: 'S' });
      if (res.status !== 202)
        throw new Error(
          `provisioning ${name}: ${res.status} ${JSON.stringify(res.body)}`,
        );
      return waitForStatus(name, 'ready');
    },
    async stop() {
      await backend.stop();
      await lab.stop();
      await fs.rm(routesDir, { recursive: true, force: true });
    },
  };
}
