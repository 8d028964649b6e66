import { ConflictError } from '@backstage/errors';
import { ROUTE_ID_PREFIX } from '@docker-env/plugin-docker-env-node';
import { parseTimestamp } from '../store/rows';

/**
 * How a writer holds its environment. `env:<id>` (lifecycle operations, restores, expiry, retention) takes it
 * exclusively; `deploy:<id>:<container>` takes it shared and its container's key exclusively, so deployments of
 * different containers run together and nothing else runs beside any of them. `route:<id>:<route id>` is a route
 * file written outside an operation (the reconciler; see {@link routeLockKey}): the environment shared, the file's
 * key exclusively.
 */
export type EnvironmentLockMode = 'exclusive' | 'shared';

/** The mode a lock key takes its environment in. */
export function environmentLockMode(lockKey: string): EnvironmentLockMode {
  return lockKey.startsWith('deploy:') || lockKey.startsWith('route:')
    ? 'shared'
    : 'exclusive';
}

/** The key a writer outside an operation holds a route file of the environment by. */
export function routeLockKey(environmentId: string, routeId: string): string {
  return `route:${environmentId}:${routeId}`;
}

/**
 * True when a deployment holding `deployKey` may write the route file `routeKey` names: its container's route
 * (`dockerenv_<name>_<container>`) or, as the primary container, the environment's main route (`dockerenv_<name>`).
 */
function deployMayWrite(deployKey: string, routeKey: string): boolean {
  if (!deployKey.startsWith('deploy:') || !routeKey.startsWith('route:'))
    return false;
  const container = deployKey.split(':')[2];
  const routeId = routeKey.split(':').slice(2).join(':');
  const [, suffix] = routeId.slice(ROUTE_ID_PREFIX.length).split('_');
  return suffix === undefined || suffix === container;
}

/** An active operation as the lock check reads it. */
export interface LockHolder {
  id: string;
  kind: string;
  status: string;
  lock_key: string | null;
  created_at: unknown;
  started_at: unknown;
}

/** Whether an operation holding `held` keeps an operation that asks for `wanted` out. */
export function lockConflicts(held: string | null, wanted: string): boolean {
  if (held === null) return false;
  if (held === wanted) return true;
  return (
    environmentLockMode(held) === 'exclusive' ||
    environmentLockMode(wanted) === 'exclusive' ||
    deployMayWrite(held, wanted) ||
    deployMayWrite(wanted, held)
  );
}

/** `12 s`, `4 min`, `2 h`: how long a holder has been at it. */
function age(since: Date, now: Date): string {
  const seconds = Math.max(
    0,
    Math.round((now.getTime() - since.getTime()) / 1000),
  );
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** The 409 naming the operation that holds the environment and its age. */
export function heldError(holder: LockHolder, now: Date): ConflictError {
  const since =
    parseTimestamp(holder.started_at) ?? parseTimestamp(holder.created_at)!;
  return new ConflictError(
    `operation ${holder.id} (${holder.kind}) has been ${
      holder.status
    } for ${age(since, now)} on this environment; try again when it has ended`,
  );
}
