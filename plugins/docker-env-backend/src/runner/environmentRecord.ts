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
 * with leftovers). Only a provisioning (or restore) that did not succeed makes the environment `failed` (which frees
 * its name), or `cleanup_required` when it left resources behind (see {@link LEFTOVER_STATUS}); a lifecycle
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

/**
 * Where an environment goes instead of `failed` when the operation left resources behind (an undo failed, the
 * operation was abandoned, or a call completed after its step gave up on it): it keeps its name and counts in the
 * quota until a DELETE removes what remains.
 */
export const LEFTOVER_STATUS: EnvironmentStatus = 'cleanup_required';

/** What an ended operation left behind (`result.leftovers`, written by the runner); empty when nothing is known. */
export function leftoversOf(operation: Pick<OperationRecord, 'result'>) {
  const list = operation.result?.leftovers;
  return Array.isArray(list)
    ? list.filter((x): x is string => typeof x === 'string')
    : [];
}

/** How the environment record moves when `operation` ends; undefined leaves it as it is. */
export function environmentPatchFor(
  operation: OperationRecord,
): EnvironmentPatch | undefined {
  if (operation.kind === 'resize') return resizePatchFor(operation);
  if (operation.kind === 'transfer') return transferPatchFor(operation);
  const outcome = ENVIRONMENT_OUTCOMES[operation.kind];
  if (!outcome) return undefined;
  const leftovers = leftoversOf(operation);
  if (
    operation.status === 'failed' &&
    outcome.otherwise === 'failed' &&
    leftovers.length > 0
  )
    return {
      status: LEFTOVER_STATUS,
      statusReason: `${operation.kind} failed and left ${leftovers.join(
        '; ',
      )} (${
        operation.error ?? 'no reason recorded'
      }); DELETE the environment to remove them`,
      // the facts learnt (vmid, node, endpointId, netboxVmId) and the list: the delete starts from them
      facts: operation.result ?? {},
    };
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
