import { UpstreamApiError } from '@docker-env/plugin-docker-env-node';
import type {
  ContainerDetails,
  DockerApi,
} from '@docker-env/plugin-docker-env-node';
import {
  ENVIRONMENT_LABEL,
  MANAGED_BY,
  OwnershipConflictError,
} from '@docker-env/plugin-docker-env-node';
import type { StepContext } from '../operations';
import { fact } from '../provisioning/facts';
import type { RolloutConfig, RolloutDeps, RolloutSpec } from './types';

/**
 * Labels every deployed container carries besides the request's own.
 *
 * @public
 */
export const DEPLOYMENT_LABELS = {
  managedBy: 'io.docker-env.managed-by',
  role: 'io.docker-env.role',
  deployment: 'io.docker-env.deployment',
  container: 'io.docker-env.container',
  hostPort: 'io.docker-env.host-port',
} as const;

/** The engine of the environment the step works on (Portainer's Docker proxy or the guest, as configured). */
export function dockerOf(deps: RolloutDeps, ctx: StepContext): DockerApi {
  return deps.docker({
    ip: fact<string>(ctx, 'ip', 'string'),
    endpointId:
      typeof ctx.facts.endpointId === 'number'
        ? ctx.facts.endpointId
        : undefined,
  });
}

/** True for the engine's 404: it does not know the container. */
export function isGone(e: unknown): boolean {
  return e instanceof UpstreamApiError && e.status === 404;
}

/** Runs `call`; a container the engine no longer knows counts as done. */
export async function goneIsDone(call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (e) {
    if (!isGone(e)) throw e;
  }
}

/** Inspects a container; undefined when the engine does not know it. */
export async function inspectOrUndefined(
  docker: DockerApi,
  ref: string,
): Promise<ContainerDetails | undefined> {
  try {
    return await docker.inspect(ref);
  } catch (e) {
    if (isGone(e)) return undefined;
    throw e;
  }
}

/** Refuses a container that does not carry the environment's label (we never touch what is not ours). */
export function assertOurs(details: ContainerDetails, ctx: StepContext) {
  if (details.labels[ENVIRONMENT_LABEL] !== ctx.target.environmentId)
    throw new OwnershipConflictError(
      'Docker',
      `container "${details.name}"`,
      `label ${ENVIRONMENT_LABEL} is ${JSON.stringify(
        details.labels[ENVIRONMENT_LABEL] ?? null,
      )}`,
    );
}

/** The host port a deployed container is reached on: its published port, or our label on the host network. */
export function hostPortOf(
  container: Pick<ContainerDetails, 'ports' | 'labels'>,
): number | undefined {
  const published = container.ports.find(p => p.hostPort)?.hostPort;
  if (published) return published;
  const labelled = Number(container.labels[DEPLOYMENT_LABELS.hostPort]);
  return Number.isInteger(labelled) && labelled > 0 ? labelled : undefined;
}

/** The host ports of every container on the engine (published or labelled), so a new one gets a free port. */
export async function usedHostPorts(docker: DockerApi): Promise<Set<number>> {
  const used = new Set<number>();
  for (const c of await docker.listContainers({ all: true })) {
    for (const p of c.ports) if (p.hostPort) used.add(p.hostPort);
    const labelled = hostPortOf({ ports: [], labels: c.labels });
    if (labelled) used.add(labelled);
  }
  return used;
}

/** The lowest port of the configured range that is not in `used`. */
export function freePort(
  config: RolloutConfig,
  used: ReadonlySet<number>,
): number {
  for (let p = config.hostPorts.from; p <= config.hostPorts.to; p++)
    if (!used.has(p)) return p;
  throw new Error(
    `no free host port in ${config.hostPorts.from}-${config.hostPorts.to} (deployments.hostPorts)`,
  );
}

/** The create request of `<container>-new`: the request's labels, our marks, the network of its predecessor. */
export function newContainerInput(
  spec: RolloutSpec,
  ctx: StepContext,
  name: string,
  networkMode: string,
  hostPort: number,
) {
  const hostNetwork = networkMode === 'host';
  return {
    name,
    image: spec.image,
    // on the host network nothing can be published: the program is told its port (the PORT convention)
    env: hostNetwork
      ? { ...spec.env, PORT: String(hostPort) }
      : { ...spec.env },
    labels: {
      ...spec.labels,
      [ENVIRONMENT_LABEL]: ctx.target.environmentId,
      [DEPLOYMENT_LABELS.managedBy]: MANAGED_BY,
      [DEPLOYMENT_LABELS.role]: 'deployment',
      [DEPLOYMENT_LABELS.deployment]: spec.deploymentId,
      [DEPLOYMENT_LABELS.container]: spec.container,
      [DEPLOYMENT_LABELS.hostPort]: String(hostPort),
    },
    ports: hostNetwork ? [] : [{ containerPort: spec.port, hostPort }],
    networkMode,
    restartPolicy: 'unless-stopped' as const,
    ...(spec.command ? { cmd: spec.command } : {}),
  };
}

/** True for the engine's answer to a host port that something else holds. */
export function isPortConflict(e: unknown): boolean {
  return /port is already allocated|address already in use|bind:/i.test(
    String((e as Error)?.message ?? e),
  );
}
