import type { Environment } from '@docker-env/plugin-docker-env-common';
import type { DockerEnvStore } from '../store/types';

/**
 * What earlier operations learnt (vmid, node, ip, endpointId, the `runningContainers` of the last pause), merged
 * oldest first: the runner starts each operation with no facts, so whoever queues an operation (a route, the expiry
 * or retention task) hands them over as its input.
 */
export async function carriedFacts(
  ctx: { store: Pick<DockerEnvStore, 'operations'> },
  environment: Pick<Environment, 'id'>,
): Promise<Record<string, unknown>> {
  const facts: Record<string, unknown> = {};
  for (const { result } of await ctx.store
    .operations()
    .succeededResults(environment.id))
    Object.assign(facts, result);
  return facts;
}
