import type { OperationStep } from '../../operations';
import {
  ENVIRONMENT_LABEL,
  MANAGED_BY,
  OwnershipConflictError,
} from '@docker-env/plugin-docker-env-node';
import { UpstreamApiError } from '@docker-env/plugin-docker-env-node';
import type {
  ContainerDetails,
  DockerApi,
} from '@docker-env/plugin-docker-env-node';
import { abortable, fact, poll } from '../facts';
import type { ProvisioningConfig, ProvisioningDeps } from '../types';

async function inspectOrUndefined(
  docker: DockerApi,
  name: string,
): Promise<ContainerDetails | undefined> {
  try {
    return await docker.inspect(name);
  } catch (e) {
    if (e instanceof UpstreamApiError && e.status === 404) return undefined;
    throw e;
  }
}

/**
 * `welcome`: a small welcome container, labelled with the environment id, that the main route
 * serves until the first deployment. It answers HTTP before the step ends.
 */
export function welcomeStep(
  deps: ProvisioningDeps,
  config: ProvisioningConfig,
): OperationStep {
  const w = config.welcome;
  const dockerFor = (ctx: Parameters<OperationStep['run']>[0]) => {
    const docker = deps.docker({
      ip: fact<string>(ctx, 'ip', 'string'),
      endpointId:
        typeof ctx.facts.endpointId === 'number'
          ? ctx.facts.endpointId
          : undefined,
    });
    if (!docker)
      throw new Error(
        'welcome: no Docker transport (the portainer step has not run)',
      );
    return docker;
  };
  return {
    name: 'welcome',
    timeoutMs: config.timeouts.welcome,
    async run(ctx) {
      const ip = fact<string>(ctx, 'ip', 'string');
      const docker = dockerFor(ctx);
      const existing = await abortable(
        inspectOrUndefined(docker, w.containerName),
        ctx.signal,
      );
      if (
        existing &&
        existing.labels[ENVIRONMENT_LABEL] !== ctx.target.environmentId
      ) {
        throw new OwnershipConflictError(
          'Docker',
          `container "${w.containerName}" on ${ip}`,
          `label ${ENVIRONMENT_LABEL} is ${JSON.stringify(
            existing.labels[ENVIRONMENT_LABEL] ?? null,
          )}`,
        );
      }
      if (!existing) {
        await abortable(docker.pullImage(w.image), ctx.signal);
        ctx.signal.throwIfAborted();
        await abortable(
          docker.createContainer({
            name: w.containerName,
            image: w.image,
            labels: {
              [ENVIRONMENT_LABEL]: ctx.target.environmentId,
              'io.docker-env.managed-by': MANAGED_BY,
              'io.docker-env.role': 'welcome',
            },
            ports: [{ containerPort: w.containerPort, hostPort: w.hostPort }],
            restartPolicy: 'unless-stopped',
          }),
          ctx.signal,
        );
      }
      ctx.signal.throwIfAborted();
      await abortable(docker.start(w.containerName), ctx.signal);
      const url = `http://${ip}:${w.hostPort}/`;
      await poll(ctx.signal, config.pollIntervalMs, async () => {
        const res = await fetch(url, {
          signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(3000)]),
        }).catch(() => undefined);
        await res?.body?.cancel();
        return res && res.status < 500 ? true : undefined;
      });
      return { welcomeContainer: w.containerName, welcomePort: w.hostPort };
    },
    holds: () => [
      `the welcome container ${w.containerName} (it goes with the CT)`,
    ],
    async undo(ctx) {
      if (typeof ctx.facts.ip !== 'string') return;
      const docker = dockerFor(ctx);
      let found: ContainerDetails | undefined;
      try {
        found = await abortable(
          inspectOrUndefined(docker, w.containerName),
          ctx.signal,
        );
      } catch (e) {
        // the guest is gone or stopped: the container goes with the CT (lxc undo)
        ctx.logger.info(`welcome undo: guest Docker unreachable (${e})`);
        return;
      }
      if (found?.labels[ENVIRONMENT_LABEL] === ctx.target.environmentId)
        await abortable(
          docker.remove(w.containerName, { force: true }),
          ctx.signal,
        );
    },
  };
}
