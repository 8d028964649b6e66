import type { Environment } from '@docker-env/plugin-docker-env-common';
import type { EnvironmentNotice } from '../notifications';
import type { OperationRecord } from '../runner';

/** What the owner is told when a deployment ends: succeeded, rolled back (with the reason) or failed. */
export function deployNotice(
  operation: OperationRecord,
  environment: Environment,
): EnvironmentNotice | undefined {
  if (operation.kind !== 'deploy') return undefined;
  const spec = (operation.input.deployment ?? {}) as {
    container?: string;
    image?: string;
  };
  const what = `${spec.container ?? 'container'} (${spec.image ?? 'image'})`;
  const base = { environment, operationId: operation.id };
  if (operation.status === 'succeeded')
    return {
      ...base,
      event: 'deployment.succeeded',
      title: `${what} deployed to ${environment.name}`,
      description: `The deployment of ${what} to ${environment.name} succeeded.`,
      link: environment.url ?? undefined,
      severity: 'low',
    };
  if (operation.status === 'rolled_back')
    return {
      ...base,
      event: 'deployment.rolled_back',
      title: `${what} rolled back on ${environment.name}`,
      description:
        `The deployment of ${what} was rolled back; the previous container keeps serving. ${
          operation.error ?? ''
        }`.trim(),
      severity: 'high',
    };
  if (operation.status === 'failed')
    return {
      ...base,
      event: 'deployment.failed',
      title: `${what} failed on ${environment.name}`,
      description: `The deployment of ${what} failed${
        operation.failedStep ? ` at step ${operation.failedStep}` : ''
      }: ${operation.error ?? 'unknown error'}`,
      severity: 'high',
    };
  return undefined;
}
