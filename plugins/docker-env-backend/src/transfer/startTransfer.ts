import { ConflictError } from '@backstage/errors';
import type {
  Environment,
  Operation,
} from '@docker-env/plugin-docker-env-common';
import { carriedFacts } from '../operations/facts';
import type { Caller } from '../service/access';
import type { RouteContext } from '../service/RouteContext';

/** Statuses a transfer starts from: a running or a paused environment. */
const TRANSFERABLE = ['ready', 'paused'];

function refuseState(environment: Environment) {
  if (!TRANSFERABLE.includes(environment.status))
    throw new ConflictError(
      `status: a transfer needs the environment ready or paused; it is ${environment.status}`,
    );
}

/**
 * Queues the `transfer` operation (steps `ct-mark`, `netbox`, `portainer`, `registries`) under the environment's
 * lock, after the new owner's quota check under the new owner's lock, in one transaction that also records the new
 * owner on the environment (so the new owner's quota counts it at once and the old owner's frees it, and the catalog
 * entity shows it); a transfer that does not succeed gives the environment back (`runner/environmentRecord.ts`).
 */
export async function startTransfer(
  ctx: RouteContext,
  caller: Caller,
  found: Environment,
  owner: string,
): Promise<{ environment: Environment; operation: Operation }> {
  refuseState(found);
  const facts = await carriedFacts(ctx, found);
  return ctx.store.transaction(async tx => {
    const current = (await tx.getEnvironmentById(found.id)) ?? found;
    refuseState(current);
    await ctx.quotas.checkTransfer(tx, current, owner);
    // the environment exclusively, after the owner's lock (the order every writer takes them in)
    await tx.operations().lockEnvironment(current.id, `env:${current.id}`);
    refuseState((await tx.getEnvironmentById(current.id)) ?? current);
    const operation = await tx.insertOperation({
      environmentId: current.id,
      kind: 'transfer',
      input: {
        ...facts,
        vmid: current.vmid,
        node: current.node,
        transferFrom: current.owner,
        transferTo: owner,
      },
      requestedBy: caller.actor,
      lockKey: `env:${current.id}`,
    });
    const environment =
      (await tx.updateEnvironment(current.id, { owner })) ?? current;
    await ctx.audit.write(tx, {
      actor: caller.actor,
      action: 'environment.transfer',
      target: current.name,
      environmentId: current.id,
      result: 'succeeded',
      details: { operationId: operation.id, from: current.owner, to: owner },
    });
    return { environment, operation };
  });
}
