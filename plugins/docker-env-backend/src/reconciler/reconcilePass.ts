import {
  MOVING_ENVIRONMENT_STATUSES,
  type EnvironmentStatus,
} from '@docker-env/plugin-docker-env-common';
import {
  routeId,
  type RouteStore,
  type TraefikRouteSettings,
} from '@docker-env/plugin-docker-env-node';
import {
  compareRoute,
  expectedMainRoute,
  type Holdings,
  type LifecycleConfig,
  type RegistryFinding,
} from '@docker-env/plugin-docker-env-workflows-node';
import type { AuditTrail } from '../audit';
import type { AuditEntry } from '../store';
import {
  flagKey,
  type DriftFinding,
  type DriftFlag,
  type DriftResourceKind,
} from './DriftFlags';
import { HOLDING_STATUSES, judgeDrift, type RecordView } from './judgeDrift';
import { registryDrift } from './registryDrift';
import {
  loadRecords,
  servedAt,
  writeUnderLock,
  type ReconcilerStore,
} from './records';

export type { ReconcilerStore } from './records';

/** The actor the reconciler writes in the audit log. */
export const RECONCILER_ACTOR = 'plugin:docker-env/reconciler';

/**
 * Statuses an operation moves an environment through: judged once it has settled; and `cleanup_required`, whose
 * leftovers are known and listed on the record (a DELETE removes them): never fixed, nor flagged as orphans.
 */
const MOVING: readonly EnvironmentStatus[] = [
  ...MOVING_ENVIRONMENT_STATUSES,
  'cleanup_required',
];

/** What one pass reads and writes through. */
export interface ReconcilerDeps {
  /** The records (the audit rows of fixes are written as each fix is made; the flags with their audit rows at once). */
  store: ReconcilerStore;
  /** Lists what the systems hold with our marks (`listHoldings` over the production clients). */
  holdings: () => Promise<Holdings>;
  /** The route folder (`TraefikRoutes.store`) and the settings routes are built with. */
  routes: Pick<RouteStore, 'get' | 'put'>;
  routeSettings: TraefikRouteSettings;
  pausedRoute: LifecycleConfig['pausedRoute'];
  /** What differs between `dockerEnv.registries` and Portainer (`judgeRegistryDrift`); unset: not judged. */
  registries?: () => Promise<RegistryFinding[]>;
  /** Emits the audit rows through Backstage's auditor too (after commit). */
  audit?: Pick<AuditTrail, 'emit'>;
  now?: () => Date;
}

/** What one pass did, as `kind resourceKind resourceId` keys (the log line and the tests read it). */
export interface ReconcileReport {
  fixed: string[];
  flagged: string[];
  resolved: string[];
  /** Environments not judged: an operation is queued or running, or they are moving. */
  skipped: string[];
  /** Systems that could not be listed, with the error: nothing of theirs was judged. */
  unreadable: string[];
}

const SYSTEM_OF: Record<DriftResourceKind, keyof Holdings> = {
  ct: 'proxmox',
  route: 'routes',
  portainer_endpoint: 'portainer',
  netbox_vm: 'netbox',
  portainer_registry: 'portainer',
};

/** Checks one environment's main route file and rewrites it when it is missing or changed; a failed rewrite is a finding. */
async function reconcileRoute(
  deps: ReconcilerDeps,
  record: RecordView,
  report: ReconcileReport,
): Promise<DriftFinding | undefined> {
  const { ip, port } = await servedAt(deps.store, record.id);
  const of = { environmentId: record.id, environmentName: record.name };
  if (ip === undefined || port === undefined) {
    // nothing recorded to rebuild it from: only a missing file is judged
    const id = routeId(record.name);
    if (await deps.routes.get(id).catch(() => true)) return undefined;
    return {
      ...of,
      kind: 'route_missing',
      resourceKind: 'route',
      resourceId: id,
      detail: `route file ${id} of ${record.status} environment ${record.name} is missing, and no address and port are recorded to rebuild it from`,
    };
  }
  const expected = expectedMainRoute(deps.routeSettings, deps.pausedRoute, {
    name: record.name,
    ip,
    port,
    paused: record.status === 'paused',
  });
  const found = await compareRoute(deps.routes, expected.id, expected.document);
  if (found === 'same') return undefined;
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
    const written = await writeUnderLock(deps.store, record, () =>
      deps.routes.put(expected.id, expected.document),
    );
    if (!written) return undefined;
  } catch (e) {
    const reason = `${what}; rewriting it failed: ${(e as Error).message}`;
    await audited(deps, { ...entry, result: 'failed', reason, details });
    return {
      ...of,
      kind,
      resourceKind: 'route',
      resourceId: expected.id,
      detail: reason,
    };
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
  return undefined;
}

async function audited(deps: ReconcilerDeps, entry: AuditEntry) {
  await deps.store.appendAudit(entry);
  await deps.audit?.emit(entry);
}

function flagAudit(
  action: 'drift.flag' | 'drift.resolve',
  flag: DriftFinding,
  records: Map<string, RecordView>,
): AuditEntry {
  return {
    actor: RECONCILER_ACTOR,
    action,
    target: flag.environmentName ?? flag.resourceId,
    environmentId:
      flag.environmentId && records.has(flag.environmentId)
        ? flag.environmentId
        : null,
    result: 'succeeded',
    reason: flag.detail,
    details: {
      kind: flag.kind,
      resourceKind: flag.resourceKind,
      resourceId: flag.resourceId,
    },
  };
}

/** True when this pass judged the flag's resource: its system was listed and its environment was not busy. */
function judged(
  flag: DriftFlag,
  holdings: Holdings,
  busyIds: ReadonlySet<string>,
  busyNames: ReadonlySet<string>,
  registriesJudged: boolean,
): boolean {
  if (!holdings[SYSTEM_OF[flag.resourceKind]].ok) return false;
  if (flag.resourceKind === 'portainer_registry' && !registriesJudged)
    return false;
  if (flag.environmentId && busyIds.has(flag.environmentId)) return false;
  return !(flag.environmentName && busyNames.has(flag.environmentName));
}

/**
 * One reconcile pass: lists what the systems hold with our marks, compares it with the records, rewrites missing or
 * changed route files of ready and paused environments (audited), and flags the rest (see README: what is fixed and
 * what is only flagged). Open flags whose drift is gone are resolved; flags of what this pass did not judge stay.
 */
export async function reconcileOnce(
  deps: ReconcilerDeps,
): Promise<ReconcileReport> {
  const now = (deps.now ?? (() => new Date()))();
  const report: ReconcileReport = {
    fixed: [],
    flagged: [],
    resolved: [],
    skipped: [],
    unreadable: [],
  };
  const holdings = await deps.holdings();
  for (const [system, listing] of Object.entries(holdings))
    if (!listing.ok) report.unreadable.push(`${system}: ${listing.error}`);
  const records = await loadRecords(deps.store, holdings);
  const busyIds = await deps.store.operations().busyEnvironmentIds();
  for (const r of records) if (MOVING.includes(r.status)) busyIds.add(r.id);
  const byId = new Map(records.map(r => [r.id, r]));
  const busyNames = new Set(
    [...busyIds].map(id => byId.get(id)?.name).filter(n => n !== undefined),
  );
  report.skipped = [...busyNames].sort();

  const findings = judgeDrift({ records, busyIds, busyNames, holdings });
  let registriesJudged = false;
  if (deps.registries) {
    try {
      findings.push(...registryDrift(await deps.registries(), busyIds));
      registriesJudged = true;
    } catch (e) {
      report.unreadable.push(`registries: ${(e as Error).message}`);
    }
  }
  if (holdings.routes.ok) {
    for (const record of records) {
      if (!HOLDING_STATUSES.includes(record.status) || busyIds.has(record.id))
        continue;
      const finding = await reconcileRoute(deps, record, report);
      if (finding) findings.push(finding);
    }
  }

  const audits: AuditEntry[] = [];
  await deps.store.transaction(async tx => {
    const flags = tx.driftFlags();
    const open = await flags.open();
    const seen = new Set(findings.map(flagKey));
    for (const finding of findings) {
      if (await flags.raise(finding, now)) {
        report.flagged.push(flagKey(finding));
        audits.push(flagAudit('drift.flag', finding, byId));
      }
    }
    for (const flag of open) {
      if (seen.has(flagKey(flag))) continue;
      if (!judged(flag, holdings, busyIds, busyNames, registriesJudged))
        continue;
      await flags.resolve(flag.id, now);
      report.resolved.push(flagKey(flag));
      audits.push(flagAudit('drift.resolve', flag, byId));
    }
    for (const entry of audits) await tx.appendAudit(entry);
  });
  for (const entry of audits) await deps.audit?.emit(entry);
  return report;
}
