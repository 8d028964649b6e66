import type { OperationStep } from '../operations';
import { runningContainersFact } from './facts';
import {
  currentIp,
  followIpInNetBox,
  followIpInPortainer,
  routeBack,
  runExactly,
  shutdownCt,
  startCt,
  type StepEnv,
  waitForDocker,
} from './guest';
import { pausedDocument, rewriteEnvironmentRoutes } from './routes';
import { stepTimeouts } from './timeouts';

/** The steps that make a started CT's address known everywhere (resume and rollback share them). */
export function followIpSteps(env: StepEnv): OperationStep[] {
  const t = stepTimeouts(env.config);
  return [
    {
      name: 'ip',
      timeoutMs: t.ip,
      async run(ctx) {
        return { ip: await currentIp(ctx, env) };
      },
    },
    {
      name: 'portainer-endpoint',
      timeoutMs: t.ip + t.calls,
      async run(ctx) {
        await followIpInPortainer(ctx, env, await currentIp(ctx, env));
      },
    },
    {
      name: 'netbox-ip',
      timeoutMs: t.ip + t.calls,
      async run(ctx) {
        await followIpInNetBox(ctx, env, await currentIp(ctx, env));
      },
    },
  ];
}

/**
 * Resume: start the CT, read its address again and make Portainer and NetBox follow it, start exactly the
 * containers that ran before the pause (and stop those dockerd brought back on its own), route back.
 * Undone in reverse: routes offline again, the CT shut down (the environment stays paused).
 *
 * @public
 */
export function resumeSteps(env: StepEnv): OperationStep[] {
  const t = stepTimeouts(env.config);
  return [
    {
      name: 'start',
      timeoutMs: Math.max(t.task, t.shutdown),
      async run(ctx) {
        await startCt(ctx, env);
      },
      async undo(ctx) {
        await shutdownCt(ctx, env);
      },
    },
    ...followIpSteps(env),
    {
      name: 'containers',
      timeoutMs: t.ip + t.docker,
      async run(ctx) {
        const wanted = runningContainersFact(ctx);
        const docker = await waitForDocker(ctx, env, await currentIp(ctx, env));
        const { started, stopped } = await runExactly(docker, wanted, env);
        ctx.logger.info(
          `resume ${ctx.target.name}: started ${
            started.join(', ') || 'none'
          }; stopped ${
            stopped.join(', ') || 'none'
          } (restarted by dockerd but not running before the pause)`,
        );
      },
    },
    {
      name: 'route',
      timeoutMs: t.ip + t.calls,
      async run(ctx) {
        await routeBack(ctx, env, await currentIp(ctx, env));
      },
      async undo(ctx) {
        await rewriteEnvironmentRoutes(env.deps.routes, ctx.target, (id, doc) =>
          pausedDocument(id, doc, env.config.pausedRoute),
        );
      },
    },
  ];
}
