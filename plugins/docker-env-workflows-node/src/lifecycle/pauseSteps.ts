import type { OperationStep } from '../operations';
import { runningContainersFact } from './facts';
import {
  currentIp,
  dockerAt,
  existingCt,
  followIpInNetBox,
  followIpInPortainer,
  routeBack,
  runExactly,
  shutdownCt,
  startCt,
  type StepEnv,
  waitForDocker,
  pve,
} from './guest';
import { idFact } from './facts';
import { pausedDocument, rewriteEnvironmentRoutes } from './routes';
import { stepTimeouts } from './timeouts';

/**
 * Pause: record which containers run, take the routes offline (the edge answers the paused page from now on),
 * stop the containers, shut the CT down (stopped when the shutdown timeout passes). Undone in reverse: the CT
 * starts (following a new address), the recorded containers start, the routes come back.
 *
 * @public
 */
export function pauseSteps(env: StepEnv): OperationStep[] {
  const t = stepTimeouts(env.config);
  const ctRunning = async (ctx: Parameters<OperationStep['run']>[0]) => {
    await existingCt(ctx, env);
    const vmid = idFact(ctx, 'vmid');
    return (await pve(ctx, env).getStatus(vmid)).status === 'running';
  };
  return [
    {
      name: 'record-containers',
      timeoutMs: t.ip + t.calls,
      async run(ctx) {
        if (!(await ctRunning(ctx))) {
          // a retry after the CT went down: what was recorded stands; a CT stopped outside the portal ran nothing
          return Array.isArray(ctx.facts.runningContainers)
            ? undefined
            : { runningContainers: [] };
        }
        const docker = dockerAt(ctx, env, await currentIp(ctx, env));
        const running = await docker.listContainers({ status: ['running'] });
        return {
          runningContainers: running
            .map(c => c.name)
            .filter(n => n !== env.config.agentContainerName)
            .sort(),
        };
      },
    },
    {
      name: 'route-offline',
      timeoutMs: t.calls,
      async run(ctx) {
        await rewriteEnvironmentRoutes(env.deps.routes, ctx.target, (id, doc) =>
          pausedDocument(id, doc, env.config.pausedRoute),
        );
      },
      async undo(ctx) {
        if (!(await ctRunning(ctx))) return;
        await routeBack(ctx, env, await currentIp(ctx, env));
      },
    },
    {
      name: 'stop-containers',
      timeoutMs: t.docker,
      async run(ctx) {
        if (!(await ctRunning(ctx))) return;
        const docker = dockerAt(ctx, env, await currentIp(ctx, env));
        await runExactly(docker, [], env);
      },
      async undo(ctx) {
        if (!(await ctRunning(ctx))) return;
        const docker = await waitForDocker(ctx, env, await currentIp(ctx, env));
        await runExactly(docker, runningContainersFact(ctx), env);
      },
    },
    {
      name: 'shutdown',
      timeoutMs: t.shutdown + t.ip,
      async run(ctx) {
        await shutdownCt(ctx, env);
      },
      async undo(ctx) {
        await startCt(ctx, env);
        const ip = await currentIp(ctx, env);
        await followIpInPortainer(ctx, env, ip);
        await followIpInNetBox(ctx, env, ip);
      },
    },
  ];
}
