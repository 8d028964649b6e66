import { ConflictError } from '@backstage/errors';
import {
  hasDescriptionMark,
  OwnershipConflictError,
  pveEnvironmentTag,
} from '@docker-env/plugin-docker-env-node';
import type { DockerApi } from '@docker-env/plugin-docker-env-node';
import { UpstreamApiError } from '@docker-env/plugin-docker-env-node';
import type { StepContext } from '../operations';
import type { PortainerEndpoint } from '@docker-env/plugin-docker-env-node';
import {
  isMissingCt,
  type LxcConfig,
  type ProxmoxClient,
} from '@docker-env/plugin-docker-env-node';
import { sleep } from '@docker-env/plugin-docker-env-node';
import { idFact, optionalIdFact } from './facts';
import {
  liveDocument,
  rewriteEnvironmentRoutes,
  withBackendIp,
} from './routes';
import type { LifecycleConfig, LifecycleDeps } from './types';

/** What a lifecycle step needs besides its context. */
export interface StepEnv {
  deps: LifecycleDeps;
  config: LifecycleConfig;
}

/** The Proxmox client addressing the node the environment's CT lives on (fact `node`). */
export function pve(ctx: StepContext, { deps }: StepEnv): ProxmoxClient {
  const node = ctx.facts.node;
  return typeof node === 'string' && node !== deps.proxmox.node
    ? deps.proxmox.forNode(node)
    : deps.proxmox;
}

/**
 * The environment's CT config, after checking that the CT carries the environment's mark (its PVE tag or the mark
 * line of its description) and name: a vmid reused by someone else is refused, never touched. Undefined when the
 * CT is gone.
 */
export async function ourCt(
  ctx: StepContext,
  env: StepEnv,
): Promise<LxcConfig | undefined> {
  const vmid = idFact(ctx, 'vmid');
  let config: LxcConfig;
  try {
    config = await pve(ctx, env).getConfig(vmid);
  } catch (e) {
    if (isMissingCt(e)) return undefined;
    throw e;
  }
  const id = ctx.target.environmentId;
  const marked =
    config.tags.includes(pveEnvironmentTag(id)) ||
    hasDescriptionMark(config.description, id);
  if (!marked || config.hostname !== ctx.target.name)
    throw new OwnershipConflictError(
      'Proxmox',
      `CT ${vmid} (${config.hostname ?? 'unnamed'})`,
      `it is not marked as environment ${ctx.target.name} (${id})`,
    );
  return config;
}

/** The environment's CT, which must exist. */
export async function existingCt(ctx: StepContext, env: StepEnv) {
  const ct = await ourCt(ctx, env);
  if (!ct)
    throw new ConflictError(
      `CT ${ctx.facts.vmid} of environment ${ctx.target.name} no longer exists`,
    );
  return ct;
}

/** Runs a PVE task and waits for it, within the configured task timeout. */
export async function runTask(
  ctx: StepContext,
  env: StepEnv,
  started: Promise<string>,
  timeoutMs?: number,
) {
  await pve(ctx, env).waitForTask(await started, {
    timeoutMs: timeoutMs ?? env.config.taskTimeoutMs,
    // at most one poll interval late: PVE's default backoff (up to 2 s) left a long task's end unseen for seconds
    backoff: {
      initialMs: Math.min(250, env.config.pollIntervalMs),
      maxMs: env.config.pollIntervalMs,
    },
    signal: ctx.signal,
  });
}

/** Starts the CT unless it runs already. */
export async function startCt(ctx: StepContext, env: StepEnv): Promise<void> {
  await existingCt(ctx, env);
  const vmid = idFact(ctx, 'vmid');
  if ((await pve(ctx, env).getStatus(vmid)).status === 'running') return;
  await runTask(ctx, env, pve(ctx, env).start(vmid));
}

/** Shuts the CT down cleanly, stopping it when the shutdown timeout passes; nothing when it is stopped. */
export async function shutdownCt(
  ctx: StepContext,
  env: StepEnv,
): Promise<void> {
  await existingCt(ctx, env);
  const vmid = idFact(ctx, 'vmid');
  if ((await pve(ctx, env).getStatus(vmid)).status === 'stopped') return;
  await runTask(
    ctx,
    env,
    pve(ctx, env).shutdown(vmid, {
      timeoutSeconds: env.config.shutdownTimeoutSeconds,
      forceStop: true,
    }),
    env.config.taskTimeoutMs + env.config.shutdownTimeoutSeconds * 1000,
  );
}

/** The CT's current IPv4 address (waits for DHCP after a start). */
export async function currentIp(
  ctx: StepContext,
  env: StepEnv,
): Promise<string> {
  return pve(ctx, env).waitForIp(idFact(ctx, 'vmid'), {
    timeoutMs: env.config.ipTimeoutMs,
    // a lease comes a second or two after a start: a 1 s interval would see it up to 1 s late
    intervalMs: Math.min(250, env.config.pollIntervalMs),
    signal: ctx.signal,
  });
}

/** The Docker channel of the environment at `ip`. */
export function dockerAt(
  ctx: StepContext,
  env: StepEnv,
  ip: string,
): DockerApi {
  return env.deps.docker({ ip, endpointId: optionalIdFact(ctx, 'endpointId') });
}

/** Waits until the environment's Docker engine answers through its channel. */
export async function waitForDocker(
  ctx: StepContext,
  env: StepEnv,
  ip: string,
): Promise<DockerApi> {
  const docker = dockerAt(ctx, env, ip);
  const deadline = Date.now() + env.config.dockerReadyTimeoutMs;
  for (;;) {
    try {
      await docker.ping();
      return docker;
    } catch (e) {
      if (Date.now() >= deadline)
        throw new UpstreamApiError(
          `Docker of environment ${ctx.target.name} did not answer within ${
            env.config.dockerReadyTimeoutMs
          } ms: ${(e as Error).message}`,
          { system: 'docker', operation: 'GET /_ping', cause: e },
        );
    }
    await sleep(env.config.pollIntervalMs, ctx.signal);
  }
}

/**
 * The environment's Portainer endpoint (fact `endpointId`) after checking it carries the environment's tag;
 * undefined when there is none or it is gone.
 */
export async function ourEndpoint(
  ctx: StepContext,
  { deps }: StepEnv,
): Promise<PortainerEndpoint | undefined> {
  const endpointId = optionalIdFact(ctx, 'endpointId');
  if (endpointId === undefined) return undefined;
  let endpoint: PortainerEndpoint;
  try {
    endpoint = await deps.portainer.getEndpoint(endpointId);
  } catch (e) {
    if (e instanceof UpstreamApiError && e.status === 404) return undefined;
    throw e;
  }
  const owned = await deps.portainer.findOwnedEndpoint(
    endpoint.name,
    ctx.target.environmentId,
  );
  if (owned?.id !== endpointId || endpoint.name !== ctx.target.name)
    throw new OwnershipConflictError(
      'Portainer',
      `environment ${endpoint.name} (id ${endpointId})`,
      `it does not carry the tag of environment ${ctx.target.environmentId}`,
    );
  return endpoint;
}

/** Points the Portainer endpoint at `ip` when it points elsewhere; returns true when it changed. */
export async function followIpInPortainer(
  ctx: StepContext,
  env: StepEnv,
  ip: string,
): Promise<boolean> {
  const endpoint = await ourEndpoint(ctx, env);
  if (!endpoint) return false;
  return env.deps.portainer.updateAgentAddress({
    endpointId: endpoint.id,
    environmentId: ctx.target.environmentId,
    ip,
    port: env.config.agentPort,
  });
}

/** Sets the NetBox VM's primary IPv4 address to `ip` (same prefix length) when it differs. */
export async function followIpInNetBox(
  ctx: StepContext,
  env: StepEnv,
  ip: string,
): Promise<boolean> {
  const vmId = optionalIdFact(ctx, 'netboxVmId');
  if (vmId === undefined) return false;
  return env.deps.netbox.changePrimaryIp4(vmId, ctx.target.environmentId, ip);
}

/** Sets every route's backends to `ip`, leaving paused routes paused. */
export async function followIpInRoutes(
  ctx: StepContext,
  env: StepEnv,
  ip: string,
): Promise<string[]> {
  return rewriteEnvironmentRoutes(env.deps.routes, ctx.target, (id, doc) =>
    withBackendIp(id, doc, env.config.pausedRoute, ip),
  );
}

/** Routes every route of the environment back to its own service at `ip`. */
export async function routeBack(
  ctx: StepContext,
  env: StepEnv,
  ip: string,
): Promise<string[]> {
  return rewriteEnvironmentRoutes(env.deps.routes, ctx.target, (id, doc) =>
    liveDocument(id, doc, env.config.pausedRoute, ip),
  );
}

/**
 * Makes exactly `wanted` (plus the Portainer agent) run: starts those that do not run, stops those that run without
 * being wanted (dockerd restarts `restart=always` containers at boot, also ones that were stopped before the pause).
 */
export async function runExactly(
  docker: DockerApi,
  wanted: string[],
  env: StepEnv,
): Promise<{ started: string[]; stopped: string[] }> {
  const all = await docker.listContainers({ all: true });
  const started: string[] = [];
  const stopped: string[] = [];
  for (const c of all) {
    if (c.name === env.config.agentContainerName) continue;
    const running = c.state === 'running' || c.state === 'restarting';
    if (wanted.includes(c.name) && !running) {
      await docker.start(c.name);
      started.push(c.name);
    } else if (!wanted.includes(c.name) && running) {
      await docker.stop(c.name, {
        timeoutSeconds: env.config.containerStopTimeoutSeconds,
      });
      stopped.push(c.name);
    }
  }
  return { started, stopped };
}
