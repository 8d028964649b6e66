import type { Environment } from '@docker-env/plugin-docker-env-common';
import type { OperationRecord } from '../runner/types';
import type { DockerEnvStore } from '../store/types';

/**
 * What earlier operations learnt (vmid, node, ip, endpointId, the `runningContainers` of the last pause), as the
 * environment row carries it (`facts`): the runner starts each operation with no facts, so whoever queues an
 * operation (a route, the expiry or retention task) hands them over as its input. One read of one row, however many
 * operations the environment had.
 */
export async function carriedFacts(
  ctx: { store: Pick<DockerEnvStore, 'getEnvironmentFacts'> },
  environment: Pick<Environment, 'id'>,
): Promise<Record<string, unknown>> {
  return ctx.store.getEnvironmentFacts(environment.id);
}

/**
 * The environment's facts once `operation` ended: a succeeded operation's result merged over what the row carries
 * (the same as merging every succeeded result oldest first); undefined when nothing changes.
 */
export async function factsAfter(
  operation: OperationRecord,
  tx: Pick<DockerEnvStore, 'getEnvironmentFacts'>,
): Promise<Record<string, unknown> | undefined> {
  if (operation.status !== 'succeeded') return undefined;
  const result = operation.result ?? {};
  if (Object.keys(result).length === 0) return undefined;
  return {
    ...(await tx.getEnvironmentFacts(operation.environmentId)),
    ...result,
  };
}
