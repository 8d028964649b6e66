import { ConflictError } from '@backstage/errors';
import { parseTimestamp } from '../store/rows';

/**
 * How an operation holds its environment. `env:<id>` (lifecycle operations, restores, expiry, retention) takes it
 * exclusively; `deploy:<id>:<container>` takes it shared and its container's key exclusively, so deployments of
 * different containers run together and nothing else runs beside any of them.
 */
export type EnvironmentLockMode = 'exclusive' | 'shared';

/** The mode a lock key takes its environment in. */
export function environmentLockMode(lockKey: string): EnvironmentLockMode {
  return lockKey.startsWith('deploy:') ? 'shared' : 'exclusive';
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
    environmentLockMode(wanted) === 'exclusive'
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
