import { NAME_HOLDING_STATUSES } from '@docker-env/plugin-docker-env-common';
import type { Holdings } from '@docker-env/plugin-docker-env-workflows-node';
import type { DockerEnvStore } from '../store';
import type { RecordView } from './judgeDrift';

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

/**
 * True when an operation took the environment up (or moved it) since the pass listed the busy ones: its steps own the
 * route file now. What remains is the moment between this read and the write; a route that loses that race is put
 * right by the next pass.
 */
export async function startedMeanwhile(
  store: ReconcilerStore,
  record: RecordView,
): Promise<boolean> {
  const active = await store.operations().hasActive(record.id);
  const now = await store.getEnvironmentById(record.id);
  return active || now?.status !== record.status;
}
