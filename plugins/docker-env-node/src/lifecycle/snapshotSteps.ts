import { NotFoundError } from '@backstage/errors';
import type { OperationStep, StepContext } from '../operations';
import { idFact, stringFact } from './facts';
import {
  currentIp,
  existingCt,
  followIpInRoutes,
  runTask,
  startCt,
  type StepEnv,
  pve,
} from './guest';
import { followIpSteps } from './resumeSteps';
import { stepTimeouts } from './timeouts';

async function snapshotExists(
  ctx: StepContext,
  env: StepEnv,
  name: string,
): Promise<boolean> {
  await existingCt(ctx, env);
  const list = await pve(ctx, env).listSnapshots(idFact(ctx, 'vmid'));
  return list.some(s => s.name === name);
}

/** Snapshot create: fact `snapshotName` (and `snapshotDescription`); undone by deleting the snapshot. */
export function snapshotCreateSteps(env: StepEnv): OperationStep[] {
  const t = stepTimeouts(env.config);
  return [
    {
      name: 'snapshot',
      timeoutMs: t.task,
      async run(ctx) {
        const name = stringFact(ctx, 'snapshotName');
        if (await snapshotExists(ctx, env, name)) return;
        const description = ctx.facts.snapshotDescription;
        await runTask(
          ctx,
          env,
          pve(ctx, env).createSnapshot(
            idFact(ctx, 'vmid'),
            name,
            typeof description === 'string' ? description : undefined,
          ),
        );
      },
      async undo(ctx) {
        const name = stringFact(ctx, 'snapshotName');
        if (!(await snapshotExists(ctx, env, name))) return;
        await runTask(
          ctx,
          env,
          pve(ctx, env).deleteSnapshot(idFact(ctx, 'vmid'), name),
        );
      },
    },
  ];
}

/** The snapshots a delete names: fact `snapshotNames` (the retention task's list) or `snapshotName`. */
export function snapshotNamesToDelete(ctx: StepContext): string[] {
  const names = ctx.facts.snapshotNames;
  if (Array.isArray(names) && names.every(n => typeof n === 'string'))
    return names;
  return [stringFact(ctx, 'snapshotName')];
}

/** Snapshot delete: fact `snapshotName` or `snapshotNames`; rolls forward (a deleted snapshot cannot come back). */
export function snapshotDeleteSteps(env: StepEnv): OperationStep[] {
  const t = stepTimeouts(env.config);
  return [
    {
      name: 'snapshot-delete',
      timeoutMs: t.task,
      async run(ctx) {
        for (const name of snapshotNamesToDelete(ctx)) {
          if (!(await snapshotExists(ctx, env, name))) continue;
          await runTask(
            ctx,
            env,
            pve(ctx, env).deleteSnapshot(idFact(ctx, 'vmid'), name),
          );
        }
      },
    },
  ];
}

/**
 * Rollback: PVE stops the CT, rolls back and (with `start=1`) starts it again; the `start` step makes sure it runs
 * either way, then the new address is followed in Portainer, NetBox and the routes. Rolls forward.
 */
export function snapshotRollbackSteps(env: StepEnv): OperationStep[] {
  const t = stepTimeouts(env.config);
  return [
    {
      name: 'rollback',
      timeoutMs: t.task,
      async run(ctx) {
        const name = stringFact(ctx, 'snapshotName');
        if (!(await snapshotExists(ctx, env, name)))
          throw new NotFoundError(
            `snapshotName: environment ${ctx.target.name} has no snapshot ${name}`,
          );
        await runTask(
          ctx,
          env,
          pve(ctx, env).rollbackSnapshot(idFact(ctx, 'vmid'), name, {
            start: true,
          }),
        );
      },
    },
    {
      name: 'start',
      timeoutMs: t.task,
      async run(ctx) {
        await startCt(ctx, env);
      },
    },
    ...followIpSteps(env),
    {
      name: 'route',
      timeoutMs: t.ip + t.calls,
      async run(ctx) {
        await followIpInRoutes(ctx, env, await currentIp(ctx, env));
      },
    },
  ];
}
