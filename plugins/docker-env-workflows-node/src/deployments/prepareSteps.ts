import { ENVIRONMENT_LABEL } from '@docker-env/plugin-docker-env-node';
import type { OperationStep, StepContext } from '../operations';
import { abortable } from '../provisioning/facts';
import {
  assertOurs,
  DEPLOYMENT_LABELS,
  dockerOf,
  freePort,
  hostPortOf,
  inspectOrUndefined,
  isPortConflict,
  newContainerInput,
  usedHostPorts,
} from './containers';
import { backendsOf } from './routing';
import { NEW_SUFFIX } from './spec';
import type {
  RolloutConfig,
  RolloutDeps,
  RolloutFacts,
  RolloutSpec,
} from './types';

/** Tries of a new host port when the engine says the chosen one is taken by something else. */
const PORT_TRIES = 5;

/**
 * The rollout's plan (run by `pull`, alongside the image pull): finds the container the rollout replaces (it must
 * be ours), its network, and which route serves the container: the environment's host when it is marked primary,
 * already served there, or the first container deployed (the host then serves the welcome container); its own
 * route otherwise.
 */
export async function planRollout(
  deps: RolloutDeps,
  config: RolloutConfig,
  spec: RolloutSpec,
  ctx: StepContext,
): Promise<Partial<RolloutFacts>> {
  const docker = dockerOf(deps, ctx);
  const env = ctx.target.name;
  const [old, main, own] = await abortable(
    Promise.all([
      inspectOrUndefined(docker, spec.container),
      deps.routes.getRoute(env),
      deps.routes.getRoute(env, spec.container),
    ]),
    ctx.signal,
  );
  if (old) assertOurs(old, ctx);
  const mainPorts = backendsOf(main).map(b => b.port);
  let primary: boolean;
  if (spec.primary) primary = true;
  else if (own) primary = false;
  else if (!main) primary = true;
  else if (old && mainPorts.includes(hostPortOf(old) ?? -1)) primary = true;
  else {
    // the host serves the welcome container until a deployed container takes it over
    const deployed = await abortable(
      docker.listContainers({
        all: true,
        labels: {
          [ENVIRONMENT_LABEL]: ctx.target.environmentId,
          [DEPLOYMENT_LABELS.role]: 'deployment',
        },
      }),
      ctx.signal,
    );
    primary = !deployed.some(c => mainPorts.includes(hostPortOf(c) ?? -1));
  }
  return {
    oldContainerId: old?.id ?? null,
    networkMode: old?.networkMode ?? config.networkMode,
    primary,
    previousBackend: backendsOf(primary ? main : own)[0] ?? null,
  };
}

/**
 * `start`: creates and starts `<container>-new` on a free host port of the configured range, with the request's
 * labels plus our marks and the network of the container it replaces. A leftover `-new` of an earlier deployment
 * is removed first; one of this deployment (a resumed run) is adopted.
 */
export function startStep(
  deps: RolloutDeps,
  config: RolloutConfig,
  spec: RolloutSpec,
): OperationStep {
  const name = `${spec.container}${NEW_SUFFIX}`;
  return {
    name: 'start',
    timeoutMs: config.stepTimeoutMs,
    async run(ctx) {
      const docker = dockerOf(deps, ctx);
      const networkMode = ctx.facts.networkMode as string;
      let existing = await abortable(
        inspectOrUndefined(docker, name),
        ctx.signal,
      );
      if (existing) assertOurs(existing, ctx);
      if (
        existing &&
        existing.labels[DEPLOYMENT_LABELS.deployment] !== spec.deploymentId
      ) {
        await abortable(
          docker.remove(existing.id, { force: true }),
          ctx.signal,
        );
        existing = undefined;
      }
      if (existing) {
        await abortable(docker.start(existing.id), ctx.signal);
      } else {
        const used = await abortable(usedHostPorts(docker), ctx.signal);
        for (let attempt = 1; ; attempt++) {
          const hostPort = freePort(config, used);
          ctx.signal.throwIfAborted();
          await abortable(
            docker.createContainer(
              newContainerInput(spec, ctx, name, networkMode, hostPort),
            ),
            ctx.signal,
          );
          try {
            await abortable(docker.start(name), ctx.signal);
            break;
          } catch (e) {
            if (!isPortConflict(e) || attempt >= PORT_TRIES) throw e;
            ctx.logger.info(`start: host port ${hostPort} is taken; next`);
            used.add(hostPort);
            await abortable(docker.remove(name, { force: true }), ctx.signal);
          }
        }
      }
      const started = await abortable(docker.inspect(name), ctx.signal);
      const facts: Partial<RolloutFacts> = {
        newContainerId: started.id,
        newHostPort: hostPortOf(started),
      };
      return facts;
    },
    async undo(ctx) {
      const docker = dockerOf(deps, ctx);
      const found = await abortable(
        inspectOrUndefined(docker, name),
        ctx.signal,
      );
      if (
        !found ||
        found.labels[ENVIRONMENT_LABEL] !== ctx.target.environmentId ||
        found.labels[DEPLOYMENT_LABELS.deployment] !== spec.deploymentId
      )
        return;
      // never remove the container that serves (a route that could not be pointed back keeps the new one)
      const route = await abortable(
        deps.routes.getRoute(
          ctx.target.name,
          ctx.facts.primary === false ? spec.container : undefined,
        ),
        ctx.signal,
      );
      const port = hostPortOf(found);
      if (backendsOf(route).some(b => b.port === port)) {
        ctx.logger.warn(
          `start undo: ${name} still serves ${ctx.target.name}; it is kept`,
        );
        return;
      }
      await abortable(docker.remove(found.id, { force: true }), ctx.signal);
    },
  };
}
