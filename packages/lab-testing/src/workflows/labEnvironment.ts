import { ConfigReader } from '@backstage/config';
import { type Lab, labClientConfig, startLab } from '@docker-env/lab';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DockerClient } from '@docker-env/plugin-docker-env-node';
import { NetBoxClient } from '@docker-env/plugin-docker-env-node';
import type { OperationTarget } from '@docker-env/plugin-docker-env-workflows-node';
import {
  buildProvisionSteps,
  PROVISION_STEP_NAMES,
  ProvisioningDeps,
  readProvisioningConfig,
} from '@docker-env/plugin-docker-env-workflows-node';
import { PortainerClient } from '@docker-env/plugin-docker-env-node';
import { ProxmoxApiClient } from '@docker-env/plugin-docker-env-node';
import { TraefikRoutes } from '@docker-env/plugin-docker-env-node';
import { lifecycleConfig } from '@docker-env/plugin-docker-env-workflows-node';
import { lifecycleDepsFromConfig } from '@docker-env/plugin-docker-env-workflows-node';
import { isPausedDocument } from '@docker-env/plugin-docker-env-workflows-node';
import type {
  LifecycleConfig,
  LifecycleDeps,
} from '@docker-env/plugin-docker-env-workflows-node';
import { runSteps } from './runSteps';

/** The lab at latency scale 0, a route folder, the production clients and lifecycle settings with short waits. */
export interface LifecycleLab {
  lab: Lab;
  routesDir: string;
  config: ConfigReader;
  deps: LifecycleDeps;
  settings: LifecycleConfig;
  proxmox: ProxmoxApiClient;
  portainer: PortainerClient;
  netbox: NetBoxClient;
  traefik: TraefikRoutes;
  /** The guest's engine directly (until the Portainer Docker transport lands). */
  dockerAt(ip: string): DockerClient;
  stop(): Promise<void>;
}

/** One provisioned environment: the target and the facts provisioning would have recorded. */
export interface LabEnvironment {
  target: OperationTarget;
  facts: Record<string, unknown>;
}

export const PAUSED_SERVICE = 'paused@file';

/**
 * Starts the lab; `channel` is how the steps reach Docker: Portainer's Docker proxy (the product's default) or the
 * guest's engine directly.
 */
export async function startLifecycleLab(
  waits: Partial<LifecycleConfig> = {},
  channel: 'portainer' | 'tcp' = 'portainer',
): Promise<LifecycleLab> {
  const lab = await startLab({ latencyScale: 0 });
  const routesDir = await fs.mkdtemp(
    path.join(os.tmpdir(), 'lifecycle-routes-'),
  );
  const config = new ConfigReader({
    dockerEnv: {
      ...labClientConfig(lab, { routesDir, docker: channel }),
      provisioning: {
        agent: { scheme: 'http' },
        pollIntervalMs: 10,
        timeouts: Object.fromEntries(PROVISION_STEP_NAMES.map(n => [n, 5000])),
      },
    },
  });
  // the test's own view of a guest's engine, whatever channel the steps use
  const dockerAt = (ip: string) =>
    new DockerClient({
      kind: 'tcp',
      host: ip,
      port: 2375,
      allowInsecure: true,
    });
  const settings = lifecycleConfig({
    backupStorage: 'backup',
    pausedRoute: { service: PAUSED_SERVICE },
    shutdownTimeoutSeconds: 1,
    containerStopTimeoutSeconds: 1,
    taskTimeoutMs: 2000,
    backupTimeoutMs: 2000,
    ipTimeoutMs: 2000,
    dockerReadyTimeoutMs: 2000,
    pollIntervalMs: 20,
    ...waits,
  });
  return {
    lab,
    routesDir,
    config,
    deps: lifecycleDepsFromConfig(config),
    settings,
    proxmox: ProxmoxApiClient.fromConfig(config),
    portainer: PortainerClient.fromConfig(config),
    netbox: NetBoxClient.fromConfig(config),
    traefik: TraefikRoutes.fromConfig(config),
    dockerAt,
    async stop() {
      await lab.stop();
      await fs.rm(routesDir, { recursive: true, force: true });
    },
  };
}

/** The welcome container provisioning starts (the main route serves it on port 8080). */
export const WELCOME = 'docker-env-welcome';

/**
 * Provisions an environment with the provisioning steps, then adds containers: `worker` (running, restart=always,
 * served by the `api` container route) and `old` (stopped, restart=always: dockerd brings it back at boot). Before a
 * pause, `docker-env-welcome` and `worker` run.
 */
export async function provisionEnvironment(
  l: LifecycleLab,
  name: string,
  environmentId = `env-${name}`,
): Promise<LabEnvironment> {
  const target: OperationTarget = {
    environmentId,
    name,
    owner: 'group:default/team-a',
    cpuCores: 2,
    memoryMb: 2048,
    diskGb: 8,
  };
  const provisioned = await runSteps(
    buildProvisionSteps(
      ProvisioningDeps.fromConfig(l.config),
      readProvisioningConfig(l.config),
    ),
    target,
    {},
  );
  if (!provisioned.ok)
    throw new Error(
      `provisioning ${name}: step ${provisioned.failed!.step} failed: ${
        provisioned.failed!.error.message
      }`,
    );
  const facts = provisioned.facts;
  const ip = facts.ip as string;

  const docker = l.dockerAt(ip);
  await docker.pullImage('traefik/whoami:latest');
  const containers: Array<[string, number]> = [
    ['worker', 8081],
    ['old', 8082],
  ];
  for (const [c, hostPort] of containers) {
    await docker.createContainer({
      name: c,
      image: 'traefik/whoami:latest',
      ports: [{ containerPort: 80, hostPort }],
      restartPolicy: 'always',
      env: { API_TOKEN: `secret-${c}-value` },
    });
    await docker.start(c);
  }
  await docker.stop('old');
  await l.traefik.putRoute(target.environmentId, {
    environment: name,
    name: 'api',
    subdomain: 'api',
    target: { kind: 'backend', backend: { ip, port: 8081 } },
  });
  return { target, facts };
}

/** Everything the lab and the route folder hold about one environment, in comparable form. */
export interface Observed {
  ct: { status: 'running' | 'stopped'; ip?: string } | 'gone';
  /** Containers that run (the agent left out). */
  running: string[];
  /** Route id -> `paused` or the backend hosts it serves. */
  routes: Record<string, 'paused' | string[]>;
  portainer: { url: string; teams: number[] } | 'gone';
  netbox: { name: string; status: string; ip?: string } | 'gone';
  snapshots: string[];
}

export async function observe(
  l: LifecycleLab,
  env: LabEnvironment,
): Promise<Observed> {
  const vmid = env.facts.vmid as number;
  const list = await l.proxmox.listContainers();
  const entry = list.find(c => c.vmid === vmid);
  let ct: Observed['ct'] = 'gone';
  let running: string[] = [];
  let snapshots: string[] = [];
  if (entry) {
    ct = { status: entry.status };
    snapshots = (await l.proxmox.listSnapshots(vmid)).map(s => s.name).sort();
    if (entry.status === 'running') {
      const ip = await l.proxmox.waitForIp(vmid, {
        timeoutMs: 2000,
        intervalMs: 20,
      });
      ct.ip = ip;
      running = (await l.dockerAt(ip).listContainers({ status: ['running'] }))
        .map(c => c.name)
        .filter(n => n !== 'portainer_agent')
        .sort();
    }
  }
  const routes: Observed['routes'] = {};
  for (const id of await l.traefik.listEnvironmentRoutes(env.target.name)) {
    const doc = (await l.traefik.store.get(id))!;
    routes[id] = isPausedDocument(id, doc, { service: PAUSED_SERVICE })
      ? 'paused'
      : Object.values(doc.http.services ?? {}).flatMap(s =>
          'loadBalancer' in s
            ? s.loadBalancer.servers.map(x => new URL(x.url).host)
            : [],
        );
  }
  const endpoints = await l.portainer.listEndpoints({ name: env.target.name });
  const portainer: Observed['portainer'] = endpoints[0]
    ? {
        url: endpoints[0].url,
        teams: Object.keys(endpoints[0].teamAccess).map(Number),
      }
    : 'gone';
  let netbox: Observed['netbox'] = 'gone';
  try {
    const vm = await l.netbox.getVirtualMachineById(
      env.facts.netboxVmId as number,
    );
    netbox = {
      name: vm.name,
      status: vm.status,
      ip: vm.primaryIp4?.address.split('/')[0],
    };
  } catch {
    netbox = 'gone';
  }
  return { ct, running, routes, portainer, netbox, snapshots };
}
