import type { OperationStep, StepContext } from '../operations';
import { abortable, fact, pause } from '../provisioning/facts';
import {
  DEPLOYMENT_LABELS,
  dockerOf,
  goneIsDone,
  inspectOrUndefined,
  isGone,
} from './containers';
import { routeFor } from './routing';
import { NEW_SUFFIX } from './spec';
import type { Backend, RolloutConfig, RolloutDeps, RolloutSpec } from './types';

function routeOf(spec: RolloutSpec, ctx: StepContext, backend: Backend) {
  return routeFor(
    ctx.target.name,
    spec.container,
    ctx.facts.primary === true,
    backend,
  );
}

/**
 * Writes the route through the route writer. The deployment holds the environment, so a file an earlier version wrote
 * before route files carried a mark is marked as the environment's first.
 */
async function putRoute(
  deps: RolloutDeps,
  ctx: StepContext,
  route: ReturnType<typeof routeOf>,
) {
  const id = ctx.target.environmentId;
  await deps.routes.adoptLegacyRoute(id, route.environment, route.name);
  await deps.routes.putRoute(id, route);
}

/**
 * `switch`: points the container's route at the new container: one atomic write of the route file, so the edge
 * sends every request either to the old container or to the new one. Undo points it back at the old one (started
 * again if it was stopped) or at what it served before; with the old container gone it refuses, and the new one
 * keeps serving.
 */
export function switchStep(
  deps: RolloutDeps,
  config: RolloutConfig,
  spec: RolloutSpec,
): OperationStep {
  return {
    name: 'switch',
    timeoutMs: config.stepTimeoutMs,
    async run(ctx) {
      const ip = fact<string>(ctx, 'ip', 'string');
      const port = fact<number>(ctx, 'newHostPort', 'number');
      await abortable(
        putRoute(deps, ctx, routeOf(spec, ctx, { ip, port })),
        ctx.signal,
      );
      return { switchedAt: new Date().toISOString() };
    },
    async undo(ctx) {
      const previous = ctx.facts.previousBackend as Backend | null | undefined;
      const oldId = ctx.facts.oldContainerId as string | null | undefined;
      if (oldId) {
        const docker = dockerOf(deps, ctx);
        const old = await abortable(
          inspectOrUndefined(docker, oldId),
          ctx.signal,
        );
        if (!old)
          throw new Error(
            `cannot route back: the old container ${spec.container} is gone; the new one keeps serving`,
          );
        if (!old.state.running)
          await abortable(docker.start(oldId), ctx.signal);
      }
      if (previous)
        await abortable(
          putRoute(deps, ctx, routeOf(spec, ctx, previous)),
          ctx.signal,
        );
      else if (ctx.facts.primary === false)
        await abortable(
          deps.routes.removeRoute(
            ctx.target.environmentId,
            ctx.target.name,
            spec.container,
          ),
          ctx.signal,
        );
    },
  };
}

/** `grace`: the old container keeps running while the requests it already has end. */
export function graceStep(config: RolloutConfig): OperationStep {
  return {
    name: 'grace',
    timeoutMs: config.graceMs + config.stepTimeoutMs,
    async run(ctx) {
      await pause(config.graceMs, ctx.signal);
    },
  };
}

/**
 * `retire`: removes the old container (the one `plan` found; already gone is done). By default one forced DELETE
 * (SIGKILL and remove in one engine call): the route left it `graceMs` before, so it has no requests to finish.
 * With `stopTimeoutSeconds` > 0 it is stopped first (SIGTERM, then SIGKILL after that many seconds) for programs
 * that clean up on SIGTERM.
 */
export function retireStep(
  deps: RolloutDeps,
  config: RolloutConfig,
): OperationStep {
  return {
    name: 'retire',
    timeoutMs: config.stepTimeoutMs + config.stopTimeoutSeconds * 1000,
    async run(ctx) {
      const oldId = ctx.facts.oldContainerId as string | null;
      if (!oldId) return;
      const docker = dockerOf(deps, ctx);
      // no inspect: `plan` checked this id carries our label, and a container's labels never change
      await goneIsDone(async () => {
        if (config.stopTimeoutSeconds > 0)
          await abortable(
            docker.stop(oldId, { timeoutSeconds: config.stopTimeoutSeconds }),
            ctx.signal,
          );
        await abortable(docker.remove(oldId, { force: true }), ctx.signal);
      });
    },
  };
}

/**
 * `rename`: `<container>-new` becomes `<container>` (done when `<container>` already is this deployment's: a
 * resumed run). The new container is renamed by the id `start` recorded, whose labels it checked.
 */
export function renameStep(
  deps: RolloutDeps,
  config: RolloutConfig,
  spec: RolloutSpec,
): OperationStep {
  return {
    name: 'rename',
    timeoutMs: config.stepTimeoutMs,
    async run(ctx) {
      const docker = dockerOf(deps, ctx);
      const newId = fact<string>(ctx, 'newContainerId', 'string');
      try {
        await abortable(docker.rename(newId, spec.container), ctx.signal);
      } catch (e) {
        ctx.signal.throwIfAborted();
        const named = await abortable(
          inspectOrUndefined(docker, spec.container),
          ctx.signal,
        );
        if (named?.labels[DEPLOYMENT_LABELS.deployment] !== spec.deploymentId)
          throw isGone(e)
            ? new Error(
                `rename: ${spec.container}${NEW_SUFFIX} is gone and ${spec.container} is not this deployment's`,
              )
            : e;
      }
      return { container: spec.container };
    },
  };
}
