import { ConflictError } from '@backstage/errors';
import type {
  Environment,
  Operation,
} from '@docker-env/plugin-docker-env-common';
import { refuseWhileDeploying } from '../deployments/refuseWhileDeploying';
import { carriedFacts } from '../operations/facts';
import type { Caller } from '../service/access';
import type { RouteContext } from '../service/RouteContext';
import type { ResizeTarget } from './resizeRequest';

/** Statuses a resize starts from: a running environment (applies live) or a paused one (applies at resume). */
const RESIZABLE = ['ready', 'paused'];

function refuseState(environment: Environment) {
  if (!RESIZABLE.includes(environment.status))
    throw new ConflictError(
      `status: a resize needs the environment ready or paused; it is ${environment.status}`,
    );
}

/**
 * Queues the `resize` operation (steps `pve-config`, `netbox`, `disk`) under the environment's lock, after the quota
 * check under the owner's lock, in one transaction that also records the new resources on the environment (the
 * reservation the next quota check counts); a resize that does not succeed puts the old ones back
 * (`runner/environmentRecord.ts`).
 */
export async function startResize(
  ctx: RouteContext,
  caller: Caller,
  found: Environment,
  target: ResizeTarget,
): Promise<{ environment: Environment; operation: Operation }> {
  refuseState(found);
  await refuseWhileDeploying(ctx, found);
  const facts = await carriedFacts(ctx, found);
  return ctx.store.transaction(async tx => {
    const current = (await tx.getEnvironmentById(found.id)) ?? found;
    refuseState(current);
    await ctx.quotas.checkResize(tx, current, target);
    const resizeFrom = {
      cpuCores: current.cpuCores,
      memoryMb: current.memoryMb,
      diskGb: current.diskGb,
    };
    const resizeTo = {
      cpuCores: target.cpuCores,
      memoryMb: target.memoryMb,
      diskGb: target.diskGb,
    };
    const operation = await tx.insertOperation({
      environmentId: current.id,
      kind: 'resize',
      input: {
        ...facts,
        vmid: current.vmid,
        node: current.node,
        resizeFrom,
        resizeTo,
        previousSize: current.size,
      },
      requestedBy: caller.actor,
      lockKey: `env:${current.id}`,
    });
    const environment =
      (await tx.updateEnvironment(current.id, target)) ?? current;
    await ctx.audit.write(tx, {
      actor: caller.actor,
      action: 'environment.resize',
      target: current.name,
      environmentId: current.id,
      result: 'succeeded',
      details: { operationId: operation.id, from: resizeFrom, to: resizeTo },
    });
    return { environment, operation };
  });
}
