import { ConflictError } from '@backstage/errors';
import { ACTIVE_OPERATION_STATUSES } from '@docker-env/plugin-docker-env-common';
import type { Knex } from 'knex';
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
interface Holder {
  id: string;
  kind: string;
  status: string;
  lock_key: string | null;
  created_at: unknown;
  started_at: unknown;
}

/** Whether an operation holding `held` keeps an operation that asks for `wanted` out. */
function conflicts(held: string | null, wanted: string): boolean {
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
export function heldError(holder: Holder, now: Date): ConflictError {
  const since =
    parseTimestamp(holder.started_at) ?? parseTimestamp(holder.created_at)!;
  return new ConflictError(
    `operation ${holder.id} (${holder.kind}) has been ${
      holder.status
    } for ${age(since, now)} on this environment; try again when it has ended`,
  );
}

/**
 * Takes the environment's row lock in `trx` (PostgreSQL `FOR UPDATE`; SQLite takes the database's write lock with a
 * write that changes nothing), so that every check-then-insert of an operation, and every other writer that takes the
 * lock, on one environment runs one at a time until `trx` ends.
 */
export async function lockEnvironmentRow(
  trx: Knex,
  environmentId: string,
): Promise<void> {
  if (String(trx.client.config.client).includes('sqlite')) {
    await trx('environments')
      .where({ id: environmentId })
      .update({ id: environmentId });
  } else {
    await trx('environments')
      .where({ id: environmentId })
      .forUpdate()
      .first('id');
  }
}

/**
 * Inside `trx`, after {@link lockEnvironmentRow}: throws the 409 of the first active operation of the environment whose
 * lock keeps `lockKey` out.
 */
export async function refuseConflictingHolder(
  trx: Knex,
  environmentId: string,
  lockKey: string,
  now: Date,
): Promise<void> {
  const active: Holder[] = await trx('operations')
    .where({ environment_id: environmentId })
    .whereIn('status', ACTIVE_OPERATION_STATUSES)
    .orderBy([{ column: 'created_at' }, { column: 'id' }])
    .select('id', 'kind', 'status', 'lock_key', 'created_at', 'started_at');
  const holder = active.find(h => conflicts(h.lock_key, lockKey));
  if (holder) throw heldError(holder, now);
}
