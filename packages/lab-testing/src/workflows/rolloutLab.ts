import {
  DEFAULT_REGISTRY_IMAGES,
  DockerEngineSimulator,
  EdgeRouter,
  edgeRequest,
  type LabImageSpec,
} from '@docker-env/lab';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DockerClient } from '@docker-env/plugin-docker-env-node';
import type { OperationTarget } from '@docker-env/plugin-docker-env-workflows-node';
import {
  ENVIRONMENT_LABEL,
  MANAGED_BY,
} from '@docker-env/plugin-docker-env-node';
import {
  LocalRouteStore,
  TraefikRoutes,
} from '@docker-env/plugin-docker-env-node';
import { runSteps, type StepRun } from './runSteps';
import { buildRolloutSteps } from '@docker-env/plugin-docker-env-workflows-node';
import { rolloutConfig } from '@docker-env/plugin-docker-env-workflows-node';
import type {
  RolloutConfig,
  RolloutDeps,
  RolloutSpec,
} from '@docker-env/plugin-docker-env-workflows-node';

/** The lab's registry plus the images the rollout tests deploy. */
export const ROLLOUT_IMAGES: LabImageSpec[] = [
  ...DEFAULT_REGISTRY_IMAGES,
  {
    ref: 'registry.example.com/team/app:1',
    exposedPorts: ['8000/tcp'],
    size: 5_000_000,
  },
  {
    ref: 'registry.example.com/team/app:2',
    exposedPorts: ['8000/tcp'],
    size: 5_000_000,
  },
  {
    ref: 'registry.example.com/team/checked:1',
    exposedPorts: ['8000/tcp'],
    size: 5_000_000,
    // the image's own HEALTHCHECK, probing its health path every 50 ms
    healthcheck: {
      Test: ['CMD', 'curl', '-f', 'http://localhost:8000/health'],
      Interval: 50_000_000,
      Retries: 2,
    },
  },
];

/** The welcome container provisioning leaves on every environment (served by its main route on 8080). */
export const WELCOME = { name: 'docker-env-welcome', port: 8080 };

/** A standalone simulated engine on its own loopback address, a route folder served by the lab's edge. */
export interface RolloutLab {
  engine: DockerEngineSimulator;
  edge: EdgeRouter;
  routesDir: string;
  routes: TraefikRoutes;
  docker: DockerClient;
  deps: RolloutDeps;
  target: OperationTarget;
  facts: Record<string, unknown>;
  /** GET through the edge on the environment's host (or a container's host). */
  get(host?: string): Promise<{ status: number; container?: string }>;
  host: string;
  stop(): Promise<void>;
}

let ipCounter = 0;

/** Starts a lab environment named `shop` with its welcome container and main route, as provisioning leaves it. */
export async function startRolloutLab(
  latencyScale = 0,
  extraImages: LabImageSpec[] = [],
): Promise<RolloutLab> {
  ipCounter++;
  const ip = `127.88.${process.pid % 250}.${ipCounter}`;
  const engine = await DockerEngineSimulator.start({
    host: ip,
    latencyScale,
    registry: [...ROLLOUT_IMAGES, ...extraImages],
    images: ['nginx:1.27'],
  });
  const routesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'deploy2-routes-'));
  const edge = await EdgeRouter.start({
    directory: routesDir,
    debounceMs: 5,
    logger: { info() {}, warn() {}, error() {} },
  });
  const routes = new TraefikRoutes(new LocalRouteStore(routesDir), {
    baseDomain: 'docker.localhost',
    entryPoints: ['web'],
    tls: false,
  });
  const docker = new DockerClient(
    { kind: 'tcp', host: ip, port: engine.port, allowInsecure: true },
    { timeoutMs: 10_000 },
  );
  const target: OperationTarget = {
    environmentId: 'env-shop',
    name: 'shop',
    owner: 'group:default/team-a',
    cpuCores: 1,
    memoryMb: 1024,
    diskGb: 8,
  };
  await docker.createContainer({
    name: WELCOME.name,
    image: 'nginx:1.27',
    labels: {
      [ENVIRONMENT_LABEL]: target.environmentId,
      'io.docker-env.managed-by': MANAGED_BY,
      'io.docker-env.role': 'welcome',
    },
    ports: [{ containerPort: 80, hostPort: WELCOME.port }],
    restartPolicy: 'unless-stopped',
  });
  await docker.start(WELCOME.name);
  await routes.putRoute(target.environmentId, {
    environment: 'shop',
    target: { kind: 'backend', backend: { ip, port: WELCOME.port } },
  });
  const host = 'shop.docker.localhost';
  return {
    engine,
    edge,
    routesDir,
    routes,
    docker,
    deps: { docker: () => docker, routes },
    target,
    facts: { ip },
    host,
    async get(h = host) {
      const r = await edgeRequest(edge.url(), h);
      return {
        status: r.status,
        container: r.status === 200 ? JSON.parse(r.text).container : undefined,
      };
    },
    async stop() {
      await edge.stop();
      await engine.stop();
      await fs.rm(routesDir, { recursive: true, force: true });
    },
  };
}

/** Short waits for tests: 12 checks 20 ms apart, no grace. */
export function fastConfig(values: Partial<RolloutConfig> = {}): RolloutConfig {
  return rolloutConfig({
    healthTries: 12,
    healthIntervalMs: 20,
    healthRequestTimeoutMs: 1000,
    graceMs: 0,
    stepTimeoutMs: 5000,
    pullTimeoutMs: 5000,
    ...values,
  });
}

let deployments = 0;

/** A deployment of `app` (image tag 1 unless told), port 8000. */
export function appSpec(values: Partial<RolloutSpec> = {}): RolloutSpec {
  deployments++;
  return {
    deploymentId: `dep-${deployments}`,
    image: 'registry.example.com/team/app:1',
    container: 'app',
    port: 8000,
    healthPath: '/health',
    env: {},
    labels: { team: 'a' },
    ...values,
  };
}

/** Runs one rollout the way the runner does (undo in reverse on a failure). */
export function deploy(
  lab: RolloutLab,
  spec: RolloutSpec,
  config: RolloutConfig = fastConfig(),
): Promise<StepRun> {
  return runSteps(
    buildRolloutSteps(lab.deps, config, spec),
    lab.target,
    lab.facts,
  );
}

/** The environment's containers that run, by name, with their image (the welcome container left out). */
export async function liveContainers(
  docker: DockerClient,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const c of await docker.listContainers({ status: ['running'] }))
    if (c.name !== WELCOME.name) out[c.name] = c.image;
  return out;
}
