import { ConflictError } from '@backstage/errors';
import type { Environment } from '@docker-env/plugin-docker-env-common';
import type { RouteContext } from '../service/RouteContext';

/** A lifecycle operation waits for the environment's rollouts (a pause mid-rollout would stop both containers). */
export async function refuseWhileDeploying(
  ctx: Pick<RouteContext, 'store'>,
  environment: Environment,
): Promise<void> {
  const rollout = (await ctx.store.operations().activeFor(environment.id)).find(
    o => o.kind === 'deploy',
  );
  if (rollout)
    throw new ConflictError(
      `deployment ${rollout.id} runs on ${environment.name}; try again when it has ended`,
    );
}
