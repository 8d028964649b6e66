import type { Environment } from '@docker-env/plugin-docker-env-common';
import type { EnvironmentNotice } from '../notifications';
import type { OperationRecord } from '../runner';

/** What the owner is told when a provisioning operation ends: ready with the links, or failed with the step. */
export function provisionNotice(
  operation: OperationRecord,
  environment: Environment,
): EnvironmentNotice | undefined {
  // a restore makes a new environment as a provision does, and tells its owner the same
  if (operation.kind !== 'provision' && operation.kind !== 'restore')
    return undefined;
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

const LIFECYCLE_VERBS: Partial<Record<OperationRecord['kind'], string>> = {
  pause: 'paused',
  resume: 'resumed',
  delete: 'deleted',
  snapshot_create: 'snapshotted',
  snapshot_rollback: 'rolled back',
};

/**
 * What the owner is told when a pause, resume, delete, snapshot or rollback ends: done, or failed with the step and
 * error (`environment.<kind>.succeeded|failed`).
 */
export function lifecycleNotice(
  operation: OperationRecord,
  environment: Environment,
): EnvironmentNotice | undefined {
  const verb = LIFECYCLE_VERBS[operation.kind];
  if (
    !verb ||
    !['succeeded', 'failed', 'rolled_back'].includes(operation.status)
  )
    return undefined;
  const snapshot =
    typeof operation.input.snapshotName === 'string'
      ? ` (snapshot ${operation.input.snapshotName})`
      : '';
  if (operation.status === 'succeeded') {
    return {
      event: `environment.${operation.kind}.succeeded`,
      environment,
      operationId: operation.id,
      title: `${environment.name} was ${verb}`,
      description: `Your Docker environment ${environment.name} was ${verb}${snapshot}.`,
      link:
        operation.kind === 'delete' ? undefined : environment.url ?? undefined,
      severity: 'normal',
    };
  }
  return {
    event: `environment.${operation.kind}.failed`,
    environment,
    operationId: operation.id,
    title: `${environment.name} could not be ${verb}`,
    description: `The ${operation.kind.replace('_', ' ')} of ${
      environment.name
    }${snapshot} failed${
      operation.failedStep ? ` at step ${operation.failedStep}` : ''
    }: ${operation.error ?? operation.status}. The environment is ${
      environment.status
    }; retry once the cause is fixed.`,
    severity: 'high',
  };
}
