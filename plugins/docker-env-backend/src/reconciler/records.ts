import { ConflictError } from '@backstage/errors';
import { NAME_HOLDING_STATUSES } from '@docker-env/plugin-docker-env-common';
import type { RouteLock } from '@docker-env/plugin-docker-env-node';
import { routeLockKey } from '../operations/locks';
import type { Holdings } from '@docker-env/plugin-docker-env-workflows-node';
import type { DockerEnvStore } from '../store';
import type { RecordView } from './judgeDrift';

/** The actor the reconciler writes in the audit log. */
export const RECONCILER_ACTOR = 'plugin:docker-env/reconciler';

/** The records a pass reads and writes. */
export type ReconcilerStore = Pick<
  DockerEnvStore,
  | 'findEnvironments'
  | 'getEnvironmentById'
  | 'operations'
  | 'appendAudit'
  | 'transaction'
>;

/** The name-holding records, and the others that what the systems hold marks as theirs. */
export async function loadRecords(
  store: ReconcilerStore,
  holdings: Holdings,
): Promise<RecordView[]> {
  const marked = new Set<string>();
  for (const listing of Object.values(holdings))
    if (listing.ok)
      for (const item of listing.items)
        if (item.environmentId) marked.add(item.environmentId);
  const holding = await store.findEnvironments({
    statuses: NAME_HOLDING_STATUSES,
  });
  const ids = [...marked].filter(id => !holding.some(e => e.id === id));
  const others = ids.length ? await store.findEnvironments({ ids }) : [];
  return [...holding, ...others].map(e => ({
    id: e.id,
    name: e.name,
    status: e.status,
    vmid: e.vmid,
    node: e.node ?? null,
  }));
}

/**
 * The address and port the environment's host is served from, from what its succeeded operations learnt, oldest
 * first: the guest's latest `ip`; the welcome container's port, then each primary deployment's.
 */
export async function servedAt(
  store: ReconcilerStore,
  environmentId: string,
): Promise<{ ip?: string; port?: number }> {
  const out: { ip?: string; port?: number } = {};
  for (const { kind, result: r } of await store
    .operations()
    .succeededResults(environmentId)) {
    if (typeof r.ip === 'string') out.ip = r.ip;
    if (kind === 'provision' && typeof r.welcomePort === 'number')
      out.port = r.welcomePort;
    if (
      kind === 'deploy' &&
      r.primary === true &&
      typeof r.newHostPort === 'number'
    )
      out.port = r.newHostPort;
  }
  return out;
}

/** Thrown inside the lock when the pass must leave the environment's route for the next pass. */
class LeftForNextPass extends Error {}

/**
 * Runs `write` with a route lock as a writer outside an operation holds it (`route:<id>:<route id>` through
 * `lockEnvironment`, in a transaction that ends after the write: the environment shared, the file exclusively):
 * false, and nothing written, when an operation that may write the file is queued or running, or the environment
 * moved since the pass read it (its steps own the route file then; the next pass judges it again).
 */
export async function writeUnderLock(
  store: ReconcilerStore,
  record: RecordView,
  write: (lock: RouteLock) => Promise<unknown>,
): Promise<boolean> {
  const lock: RouteLock = (environmentId, routeFileKey, work) =>
    store.transaction(async tx => {
      try {
        await tx
          .operations()
          .lockEnvironment(
            environmentId,
            routeLockKey(environmentId, routeFileKey),
          );
      } catch (error) {
        if (error instanceof ConflictError) throw new LeftForNextPass();
        throw error;
      }
      if ((await tx.getEnvironmentById(record.id))?.status !== record.status)
        throw new LeftForNextPass();
      return work();
    });
  try {
    await write(lock);
    return true;
  } catch (error) {
    if (error instanceof LeftForNextPass) return false;
    throw error;
  }
}
