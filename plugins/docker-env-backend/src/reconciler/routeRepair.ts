import { routeId, RouteWriter } from '@docker-env/plugin-docker-env-node';
import {
  compareRoute,
  expectedMainRoute,
  type Holdings,
} from '@docker-env/plugin-docker-env-workflows-node';
import type { AuditEntry } from '../store';
import { flagKey, type DriftFinding } from './DriftFlags';
import type { RecordView } from './judgeDrift';
import type { ReconcileReport, ReconcilerDeps } from './reconcilePass';
import { RECONCILER_ACTOR, servedAt, writeUnderLock } from './records';

/*
 * The reconciler's route repairs: legacy route files marked as their environment's, and the main route judged by
 * the CT's current address and rewritten through the route writer under the lock.
 */

/**
 * Marks the route files named for the environment that the portal wrote before route files carried a mark (their
 * old header, no mark line) as the environment's, under the lock: an upgrade's files stay the environment's own, so
 * pause, resume and delete go on changing them. Audited `drift.fix`.
 */
export async function adoptLegacyRoutes(
  deps: ReconcilerDeps,
  record: RecordView,
  holdings: Holdings,
  report: ReconcileReport,
): Promise<void> {
  if (!holdings.routes.ok) return;
  for (const item of holdings.routes.items) {
    if (item.name !== record.name) continue;
    let adopted = false;
    try {
      await writeUnderLock(deps.store, record, async lock => {
        adopted = await new RouteWriter(deps.routes, lock).adoptLegacy(
          record.id,
          item.id,
        );
      });
    } catch (e) {
      report.unreadable.push(
        `routes: marking ${item.id} as ${record.name}'s: ${
          (e as Error).message
        }`,
      );
      continue;
    }
    if (!adopted) continue;
    const details = {
      kind: 'route_changed' as const,
      resourceKind: 'route' as const,
      resourceId: item.id,
    };
    await audited(deps, {
      actor: RECONCILER_ACTOR,
      action: 'drift.fix',
      target: record.name,
      environmentId: record.id,
      result: 'succeeded',
      reason: `route file ${item.id} of ${record.status} environment ${record.name} was written before route files carried a mark; marked as the environment's`,
      details,
    });
    report.fixed.push(
      flagKey({
        ...details,
        environmentId: record.id,
        environmentName: record.name,
      }),
    );
  }
}

/**
 * The address to judge a ready environment's route by: the CT's current one when the pass lists its CT as ours and
 * running (read now, not taken from old operation results), else the latest recorded one. A current address other
 * than the recorded one was changed outside the portal: flagged (`ct_address_changed`), and the route follows it.
 * Undefined `ip` with `unreadable`: the running CT's address could not be read, so its route is not judged.
 */
async function addressToServe(
  deps: ReconcilerDeps,
  record: RecordView,
  holdings: Holdings,
  recorded: string | undefined,
): Promise<{ ip?: string; moved?: DriftFinding; unreadable?: string }> {
  if (
    record.status !== 'ready' ||
    !record.vmid ||
    !record.node ||
    !holdings.proxmox.ok
  )
    return { ip: recorded };
  const vmid = String(record.vmid);
  const ct = holdings.proxmox.items.find(
    c => c.id === vmid && c.environmentId === record.id && !c.unmanaged,
  );
  if (ct?.status !== 'running') return { ip: recorded };
  let current: string;
  try {
    current = await deps.proxmox
      .forNode(record.node)
      .waitForIp(record.vmid, { timeoutMs: 0 });
  } catch (e) {
    return {
      unreadable: `proxmox: the address of CT ${vmid} (${record.name}): ${
        (e as Error).message
      }`,
    };
  }
  if (recorded === undefined || current === recorded) return { ip: current };
  return {
    ip: current,
    moved: {
      environmentId: record.id,
      environmentName: record.name,
      kind: 'ct_address_changed',
      resourceKind: 'ct',
      resourceId: vmid,
      detail: `CT ${vmid} of ready environment ${record.name} has the address ${current}, not ${recorded} as the portal recorded it: changed outside the portal (its main route follows it; Portainer and NetBox still name ${recorded})`,
    },
  };
}

/**
 * Checks one environment's main route file against the CT's current address and rewrites it (through the route
 * writer, under the lock) when it is missing or changed; a failed rewrite and a moved address are findings.
 */
export async function reconcileRoute(
  deps: ReconcilerDeps,
  record: RecordView,
  holdings: Holdings,
  report: ReconcileReport,
  addressUnread: Set<string>,
): Promise<DriftFinding[]> {
  const served = await servedAt(deps.store, record.id);
  const { port } = served;
  const { ip, moved, unreadable } = await addressToServe(
    deps,
    record,
    holdings,
    served.ip,
  );
  if (unreadable) {
    report.unreadable.push(unreadable);
    addressUnread.add(record.id);
    return [];
  }
  const findings = moved ? [moved] : [];
  const of = { environmentId: record.id, environmentName: record.name };
  if (ip === undefined || port === undefined) {
    // nothing recorded to rebuild it from: only a missing file is judged
    const id = routeId(record.name);
    if (await deps.routes.get(id).catch(() => true)) return findings;
    return [
      ...findings,
      {
        ...of,
        kind: 'route_missing',
        resourceKind: 'route',
        resourceId: id,
        detail: `route file ${id} of ${record.status} environment ${record.name} is missing, and no address and port are recorded to rebuild it from`,
      },
    ];
  }
  const expected = expectedMainRoute(deps.routeSettings, deps.pausedRoute, {
    name: record.name,
    ip,
    port,
    paused: record.status === 'paused',
  });
  const found = await compareRoute(deps.routes, expected.id, expected.document);
  if (found === 'same') return findings;
  const kind = found === 'missing' ? 'route_missing' : 'route_changed';
  const what = `route file ${expected.id} of ${record.status} environment ${record.name} was ${found}`;
  const entry = {
    actor: RECONCILER_ACTOR,
    action: 'drift.fix',
    target: record.name,
    environmentId: record.id,
  };
  const details = {
    kind,
    resourceKind: 'route' as const,
    resourceId: expected.id,
  };
  try {
    const written = await writeUnderLock(deps.store, record, lock =>
      new RouteWriter(deps.routes, lock).write(
        record.id,
        expected.id,
        expected.document,
      ),
    );
    if (!written) return findings;
  } catch (e) {
    const reason = `${what}; rewriting it failed: ${(e as Error).message}`;
    await audited(deps, { ...entry, result: 'failed', reason, details });
    return [
      ...findings,
      {
        ...of,
        kind,
        resourceKind: 'route',
        resourceId: expected.id,
        detail: reason,
      },
    ];
  }
  await audited(deps, {
    ...entry,
    result: 'succeeded',
    reason: `${what}; rewritten to ${ip}:${port}${
      record.status === 'paused' ? ' (paused)' : ''
    }`,
    details,
  });
  report.fixed.push(flagKey({ ...details, ...of, kind }));
  return findings;
}

export async function audited(deps: ReconcilerDeps, entry: AuditEntry) {
  await deps.store.appendAudit(entry);
  await deps.audit?.emit(entry);
}
