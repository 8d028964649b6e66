import {
  MOVING_ENVIRONMENT_STATUSES,
  type EnvironmentStatus,
} from '@docker-env/plugin-docker-env-common';
import type {
  ProxmoxClient,
  RouteStore,
  TraefikRouteSettings,
} from '@docker-env/plugin-docker-env-node';
import type {
  Holdings,
  LifecycleConfig,
  RegistryFinding,
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
import { loadRecords, RECONCILER_ACTOR, type ReconcilerStore } from './records';
import { adoptLegacyRoutes, reconcileRoute } from './routeRepair';

export type { ReconcilerStore } from './records';
export { RECONCILER_ACTOR } from './records';

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
  /** The route folder (`TraefikRoutes.store`; written only through a `RouteWriter`) and the route settings. */
  routes: RouteStore;
  routeSettings: TraefikRouteSettings;
  pausedRoute: LifecycleConfig['pausedRoute'];
  /** What differs between `dockerEnv.registries` and Portainer (`judgeRegistryDrift`); unset: not judged. */
  registries?: () => Promise<RegistryFinding[]>;
  /** Reads a running CT's current address (`waitForIp` with no wait: one `GET …/interfaces`). */
  proxmox: Pick<ProxmoxClient, 'forNode'>;
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
  const addressUnread = new Set<string>();
  if (holdings.routes.ok) {
    for (const record of records) {
      if (!HOLDING_STATUSES.includes(record.status) || busyIds.has(record.id))
        continue;
      await adoptLegacyRoutes(deps, record, holdings, report);
      findings.push(
        ...(await reconcileRoute(
          deps,
          record,
          holdings,
          report,
          addressUnread,
        )),
      );
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
      // a running CT whose address could not be read: its address was not judged
      if (flag.environmentId && addressUnread.has(flag.environmentId)) continue;
      await flags.resolve(flag.id, now);
      report.resolved.push(flagKey(flag));
      audits.push(flagAudit('drift.resolve', flag, byId));
    }
    for (const entry of audits) await tx.appendAudit(entry);
  });
  for (const entry of audits) await deps.audit?.emit(entry);
  return report;
}
