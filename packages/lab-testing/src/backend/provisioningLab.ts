import type { JsonObject } from '@backstage/types';
import { LAB_PRIVATE_REGISTRY, type Lab } from '@docker-env/lab';
import fs from 'node:fs/promises';
import { PROVISION_STEP_NAMES } from '@docker-env/plugin-docker-env-workflows-node';

/** Where a lab answers: a {@link Lab} in this process, or one in its own process (`docker-env-lab`). */
export type LabEndpoints = Pick<Lab, 'urls' | 'credentials'>;

/**
 * The `dockerEnv` config that points the production clients at a lab, with the route folder
 * `routesDir`. `stepTimeoutMs` sets every provisioning step's timeout (scaled down for fault tests).
 */
export function labDockerEnvConfig(
  lab: LabEndpoints,
  routesDir: string,
  options: { stepTimeoutMs?: number; pollIntervalMs?: number } = {},
): JsonObject {
  const http = { allowInsecure: true, timeoutMs: 5000 };
  return {
    proxmox: {
      ...http,
      baseUrl: lab.urls.proxmox.replace(/\/api2\/json$/, ''),
      tokenId: lab.credentials.proxmox.tokenId,
      tokenSecret: lab.credentials.proxmox.tokenSecret,
    },
    netbox: {
      ...http,
      baseUrl: lab.urls.netbox,
      token: lab.credentials.netbox.token,
    },
    portainer: {
      ...http,
      baseUrl: lab.urls.portainer.replace(/\/api$/, ''),
      apiKey: lab.credentials.portainer.apiKey,
    },
    traefik: {
      baseDomain: 'docker.localhost',
      tls: false,
      entryPoints: ['web'],
      directory: routesDir,
    },
    docker: { kind: 'portainer', timeoutMs: 5000 },
    // one key for every backend on the lab, so a rollout one of them queued can be taken over by another
    deployments: { secretsKey: 'lab-deployment-secrets-key-0123456789abcdef' },
    // as app-config.embedded.yaml: team-a pulls from the lab's private registry
    registries: [
      {
        name: 'team-a-gitlab',
        owner: 'group:default/team-a',
        url: LAB_PRIVATE_REGISTRY.url,
        username: LAB_PRIVATE_REGISTRY.username,
        password: LAB_PRIVATE_REGISTRY.password,
      },
    ],
    provisioning: {
      agent: { scheme: 'http' },
      publicPort: 18000,
      // as app-config.embedded.yaml: the lab's components connect from loopback
      firewall: {
        sources: {
          portal: ['127.0.0.1', '::1'],
          portainer: ['127.0.0.1'],
          traefik: ['127.0.0.1'],
        },
      },
      ...(options.pollIntervalMs !== undefined && {
        pollIntervalMs: options.pollIntervalMs,
      }),
      ...(options.stepTimeoutMs !== undefined && {
        timeouts: Object.fromEntries(
          PROVISION_STEP_NAMES.map(n => [n, options.stepTimeoutMs!]),
        ),
      }),
    },
  };
}

/**
 * Everything environments leave in a lab and the route folder (shared setup such as NetBox's
 * cluster and tags, and Portainer's users, is left out): all lists are empty on a clean lab.
 */
export async function labHoldings(lab: Lab, routesDir: string) {
  const pt = lab.portainer.state;
  const nb = lab.netbox.state;
  return {
    cts: [...lab.proxmox.state.containers.values()]
      .filter(c => !c.config.template)
      .map(c => `${c.vmid} ${c.config.hostname}`),
    guests: lab.guests.state.guests.map(g => g.vmid),
    endpoints: pt.endpoints.map(e => e.Name),
    teams: pt.teams.map(t => t.Name),
    memberships: pt.memberships.map(m => `${m.TeamID}:${m.UserID}`),
    environmentTags: pt.tags
      .map(t => t.Name)
      .filter(n => n.startsWith('docker-env-')),
    netboxVms: nb.virtualMachines.map(v => v.name),
    netboxInterfaces: nb.interfaces.map(i => i.id),
    netboxIps: nb.ipAddresses.map(i => i.address),
    routeFiles: await fs.readdir(routesDir),
  };
}
