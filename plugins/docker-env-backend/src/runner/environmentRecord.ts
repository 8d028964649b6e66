import {
  ENVIRONMENT_STATUSES,
  type Environment,
  type EnvironmentStatus,
} from '@docker-env/plugin-docker-env-common';
import {
  DELETE_KEEPING_STEPS,
  type OperationTarget,
} from '@docker-env/plugin-docker-env-workflows-node';
import { NotFoundError } from '@backstage/errors';
import type { DockerEnvStore, EnvironmentPatch } from '../store/types';
import { OperationKind, OperationRecord } from './types';

/**
 * The environment status an operation leaves behind: when it succeeded, and when it did not (rolled back, or failed
 * with leftovers). Only a failed provisioning makes the environment `failed` (which frees its name); a lifecycle
 * operation that did not succeed leaves the environment in the state it started from, with the reason, except a
 * delete that failed after it took something away: that one stays `deleting` (a retry finishes it).
 * Kinds not listed (snapshots, deployments) do not change the environment's status.
 */
export const ENVIRONMENT_OUTCOMES: Partial<
  Record<
    OperationKind,
    { succeeded: EnvironmentStatus; otherwise: EnvironmentStatus }
  >
> = {
  provision: { succeeded: 'ready', otherwise: 'failed' },
  pause: { succeeded: 'paused', otherwise: 'ready' },
  resume: { succeeded: 'ready', otherwise: 'paused' },
  delete: { succeeded: 'deleted', otherwise: 'ready' },
  restore: { succeeded: 'ready', otherwise: 'failed' },
};

/** How the environment record moves when `operation` ends; undefined leaves it as it is. */
export function environmentPatchFor(
  operation: OperationRecord,
): EnvironmentPatch | undefined {
  if (operation.kind === 'resize') return resizePatchFor(operation);
  if (operation.kind === 'transfer') return transferPatchFor(operation);
  const outcome = ENVIRONMENT_OUTCOMES[operation.kind];
  if (!outcome) return undefined;
  if (operation.status !== 'succeeded') {
    if (
      operation.kind === 'delete' &&
      operation.failedStep !== null &&
      !DELETE_KEEPING_STEPS.includes(operation.failedStep)
    )
      return {
        status: 'deleting',
        statusReason: `delete stopped at ${
          operation.error ?? `step ${operation.failedStep}`
        }; delete again to finish it`,
      };
    // the route records the status it moved the environment from (delete starts from ready or paused)
    const previous = operation.input?.previousStatus;
    return {
      status: ENVIRONMENT_STATUSES.includes(previous as EnvironmentStatus)
        ? (previous as EnvironmentStatus)
        : outcome.otherwise,
      statusReason: `${operation.kind} ${operation.status.replace('_', ' ')}: ${
        operation.error ?? 'no reason recorded'
      }`,
    };
  }
  const patch: EnvironmentPatch = {
    status: outcome.succeeded,
    statusReason: null,
  };
  if (operation.kind === 'provision' || operation.kind === 'restore') {
    const facts = operation.result ?? {};
    patch.facts = facts;
    if (typeof facts.url === 'string') patch.url = facts.url;
    if (typeof facts.portainerUrl === 'string')
      patch.portainerUrl = facts.portainerUrl;
    if (typeof facts.vmid === 'number') patch.vmid = facts.vmid;
    if (typeof facts.node === 'string') patch.node = facts.node;
  }
  return patch;
}

/**
 * A resize recorded the new resources when it was queued (the quota's reservation); one that did not succeed puts
 * back what the environment had (its status does not change; the operation holds the reason).
 */
function resizePatchFor(
  operation: OperationRecord,
): EnvironmentPatch | undefined {
  if (operation.status === 'succeeded') return undefined;
  const from = operation.input?.resizeFrom as
    | Pick<EnvironmentPatch, 'cpuCores' | 'memoryMb' | 'diskGb'>
    | undefined;
  const size = operation.input?.previousSize as EnvironmentPatch['size'];
  if (!from || !size) return undefined;
  return { ...from, size };
}

/**
 * A transfer recorded the new owner when it was queued (the new owner's quota counts it); one that did not succeed
 * gives the environment back to the owner it had.
 */
function transferPatchFor(
  operation: OperationRecord,
): EnvironmentPatch | undefined {
  const from = operation.input?.transferFrom;
  if (operation.status === 'succeeded' || typeof from !== 'string')
    return undefined;
  return { owner: from };
}

/** The steps' view of an environment record. */
export function targetOf(environment: Environment): OperationTarget {
  return {
    environmentId: environment.id,
    name: environment.name,
    owner: environment.owner,
    cpuCores: environment.cpuCores,
    memoryMb: environment.memoryMb,
    diskGb: environment.diskGb,
    purpose: environment.purpose,
    management: 'managed',
  };
}

/** The runner's `loadTarget`: the steps' view of the operation's environment, read from the store. */
export function loadTargetFrom(
  store: Pick<DockerEnvStore, 'getEnvironmentById'>,
): (operation: OperationRecord) => Promise<OperationTarget> {
  return async operation => {
    const environment = await store.getEnvironmentById(operation.environmentId);
    if (!environment)
      throw new NotFoundError(
        `environment ${operation.environmentId} of operation ${operation.id}`,
      );
    return targetOf(environment);
  };
}
