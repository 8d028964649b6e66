import { NotFoundError } from '@backstage/errors';
import type { OperationStep, StepContext } from '../operations';
import type { ProxmoxClient } from '@docker-env/plugin-docker-env-node';
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

/**
 * Runs the Proxmox snapshot task `call` on snapshot `name` when the snapshot is `present` (delete, rollback) or not
 * (create), so a rerun finds its work done; answers whether it ran.
 */
async function snapshotTaskIf(
  ctx: StepContext,
  env: StepEnv,
  name: string,
  present: boolean,
  call: (proxmox: ProxmoxClient, vmid: number) => Promise<string>,
): Promise<boolean> {
  if ((await snapshotExists(ctx, env, name)) !== present) return false;
  await runTask(ctx, env, call(pve(ctx, env), idFact(ctx, 'vmid')));
  return true;
}

const deleteIfPresent = (ctx: StepContext, env: StepEnv, name: string) =>
  snapshotTaskIf(ctx, env, name, true, (proxmox, vmid) =>
    proxmox.deleteSnapshot(vmid, name),
  );

/** A step on one snapshot, bounded by the Proxmox task timeout. */
function snapshotStep(
  env: StepEnv,
  name: string,
  run: OperationStep['run'],
  undo?: OperationStep['undo'],
): OperationStep {
  return { name, timeoutMs: stepTimeouts(env.config).task, run, undo };
}

/**
 * Snapshot create: fact `snapshotName` (and `snapshotDescription`); undone by deleting the snapshot.
 *
 * @public
 */
export function snapshotCreateSteps(env: StepEnv): OperationStep[] {
  return [
    snapshotStep(
      env,
      'snapshot',
      async ctx => {
        const name = stringFact(ctx, 'snapshotName');
        const description = ctx.facts.snapshotDescription;
        await snapshotTaskIf(ctx, env, name, false, (proxmox, vmid) =>
          proxmox.createSnapshot(
            vmid,
            name,
            typeof description === 'string' ? description : undefined,
          ),
        );
      },
      async ctx => {
        await deleteIfPresent(ctx, env, stringFact(ctx, 'snapshotName'));
      },
    ),
  ];
}

/**
 * The snapshots a delete names: `snapshotNames` (the retention task's list) or `snapshotName`; none when neither.
 *
 * @public
 */
export function snapshotNamesToDelete(
  facts: Readonly<Record<string, unknown>>,
): string[] {
  const names = facts.snapshotNames;
  if (Array.isArray(names)) return names.filter(n => typeof n === 'string');
  return typeof facts.snapshotName === 'string' ? [facts.snapshotName] : [];
}

/**
 * Snapshot delete: fact `snapshotName` or `snapshotNames`; rolls forward (a deleted snapshot cannot come back).
 *
 * @public
 */
export function snapshotDeleteSteps(env: StepEnv): OperationStep[] {
  return [
    snapshotStep(env, 'snapshot-delete', async ctx => {
      const names = snapshotNamesToDelete(ctx.facts);
      // neither fact: stringFact throws naming the missing one
      for (const name of names.length
        ? names
        : [stringFact(ctx, 'snapshotName')])
        await deleteIfPresent(ctx, env, name);
    }),
  ];
}

/**
 * Rollback: PVE stops the CT, rolls back and (with `start=1`) starts it again; the `start` step makes sure it runs
 * either way, then the new address is followed in Portainer, NetBox and the routes. Rolls forward.
 *
 * @public
 */
export function snapshotRollbackSteps(env: StepEnv): OperationStep[] {
  const t = stepTimeouts(env.config);
  return [
    snapshotStep(env, 'rollback', async ctx => {
      const name = stringFact(ctx, 'snapshotName');
      const rolledBack = await snapshotTaskIf(
        ctx,
        env,
        name,
        true,
        (proxmox, vmid) =>
          proxmox.rollbackSnapshot(vmid, name, { start: true }),
      );
      if (!rolledBack)
        throw new NotFoundError(
          `snapshotName: environment ${ctx.target.name} has no snapshot ${name}`,
        );
    }),
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
