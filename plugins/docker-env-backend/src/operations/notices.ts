import type { Environment } from '@docker-env/plugin-docker-env-common';
import type { EnvironmentNotice } from '../notifications';
import type { OperationRecord } from '../runner';

/** What the owner is told when a provisioning operation ends: ready with the links, or failed with the step. */
export function provisionNotice(
  operation: OperationRecord,
  environment: Environment,
): EnvironmentNotice | undefined {
  if (operation.kind !== 'provision') return undefined;
  if (operation.status === 'succeeded') {
    return {
      event: 'environment.ready',
      environment,
      operationId: operation.id,
      title: `${environment.name} is ready`,
      description: `Your Docker environment ${environment.name} is ready at ${
        environment.url ?? '(no URL recorded)'
      }${
        environment.portainerUrl
          ? `; manage it in Portainer: ${environment.portainerUrl}`
          : ''
      }.`,
      link: environment.url ?? undefined,
      severity: 'normal',
    };
  }
  return {
    event: 'environment.failed',
    environment,
    operationId: operation.id,
    title: `${environment.name} could not be provisioned`,
    description: `Provisioning ${environment.name} failed${
      operation.failedStep ? ` at step ${operation.failedStep}` : ''
    }: ${
      operation.error ?? operation.status
    }. Everything created was removed and the name is free: request it again once the cause is fixed.`,
    severity: 'high',
  };
}
