import type { EnvironmentStatus } from '@docker-env/plugin-docker-env-common';
import type {
  Holdings,
  MarkedResource,
} from '@docker-env/plugin-docker-env-workflows-node';
import type { DriftFinding, DriftResourceKind } from './DriftFlags';

/** The part of an environment record the reconciler judges by. */
export interface RecordView {
  id: string;
  name: string;
  status: EnvironmentStatus;
  vmid: number | null;
  /** The node its CT lives on (where its current address is read). */
  node: string | null;
}

/** What a pass judges: the records, the environments it must not judge now, and what the systems hold. */
export interface JudgeInput {
  /** The records in a name-holding status, and those any mark names. */
  records: RecordView[];
  /** Environments with an operation queued or running, or in a moving status: judged on a later pass. */
  busyIds: ReadonlySet<string>;
  /** Their names (a route file names its environment by name only). */
  busyNames: ReadonlySet<string>;
  holdings: Holdings;
}

/** The statuses in which an environment holds a CT, a Portainer endpoint, a NetBox VM and its routes. */
export const HOLDING_STATUSES: readonly EnvironmentStatus[] = [
  'ready',
  'paused',
];

const SYSTEM_RESOURCE: Record<
  'proxmox' | 'portainer' | 'netbox',
  DriftResourceKind
> = {
  proxmox: 'ct',
  portainer: 'portainer_endpoint',
  netbox: 'netbox_vm',
};

const LABEL: Record<DriftResourceKind, string> = {
  ct: 'CT',
  route: 'route file',
  portainer_endpoint: 'Portainer environment',
  netbox_vm: 'NetBox VM',
  portainer_registry: 'Portainer registry',
};

const holds = (record: RecordView | undefined): boolean =>
  !!record && HOLDING_STATUSES.includes(record.status);

/** What is wrong with the CT, Portainer environment and NetBox VM of one ready or paused environment. */
function judgeRecord(record: RecordView, holdings: Holdings): DriftFinding[] {
  const out: DriftFinding[] = [];
  const of = { environmentId: record.id, environmentName: record.name };
  if (holdings.proxmox.ok) {
    const vmid = String(record.vmid);
    const ct = holdings.proxmox.items.find(
      c => c.id === vmid && c.environmentId === record.id,
    );
    if (!ct) {
      out.push({
        ...of,
        kind: 'ct_missing',
        resourceKind: 'ct',
        resourceId: vmid,
        detail: `CT ${vmid} of ${record.status} environment ${record.name} is gone (no CT ${vmid} tagged docker-env-${record.id} in the cluster)`,
      });
    } else if (record.status === 'ready' && ct.status !== 'running') {
      out.push({
        ...of,
        kind: 'ct_stopped',
        resourceKind: 'ct',
        resourceId: vmid,
        detail: `CT ${vmid} of ready environment ${record.name} is ${ct.status}: stopped outside the portal (not started again: whoever stopped it may have had a reason)`,
      });
    } else if (record.status === 'paused' && ct.status === 'running') {
      out.push({
        ...of,
        kind: 'ct_running',
        resourceKind: 'ct',
        resourceId: vmid,
        detail: `CT ${vmid} of paused environment ${record.name} is running: started outside the portal (not stopped: it may be doing someone's work; resume or pause it again through the portal)`,
      });
    }
  }
  for (const [system, kind] of [
    ['portainer', 'endpoint_missing'],
    ['netbox', 'netbox_missing'],
  ] as const) {
    const listing = holdings[system];
    if (!listing.ok || listing.items.some(i => i.environmentId === record.id))
      continue;
    const resourceKind = SYSTEM_RESOURCE[system];
    out.push({
      ...of,
      kind,
      resourceKind,
      resourceId: record.name,
      detail: `${record.status} environment ${record.name} has no ${LABEL[resourceKind]} marked with its id ${record.id}`,
    });
  }
  return out;
}

/** Why a marked CT, Portainer environment or NetBox VM is held by no record, or undefined when one holds it. */
function orphanReason(
  system: 'proxmox' | 'portainer' | 'netbox',
  item: MarkedResource,
  record: RecordView | undefined,
): string | undefined {
  if (!record) return 'no record has that id';
  // a deleted environment's NetBox VM stays, decommissioned and renamed, by design
  if (system === 'netbox' && record.status === 'deleted') return undefined;
  if (!holds(record))
    return `its environment ${record.name} is ${record.status}`;
  if (system === 'proxmox' && String(record.vmid) !== item.id)
    return `environment ${record.name} runs on CT ${record.vmid}`;
  return undefined;
}

/**
 * Compares the records with what the systems hold (pure: the pass reads and writes). Judges only systems that could
 * be listed, skips busy environments and everything marked unmanaged, and returns one finding per drift. Route files
 * are judged here only as orphans; their content is the pass's part (it reads the files).
 */
export function judgeDrift(input: JudgeInput): DriftFinding[] {
  const { holdings, busyIds, busyNames } = input;
  const byId = new Map(input.records.map(r => [r.id, r]));
  const holderByName = new Map(
    input.records.filter(holds).map(r => [r.name, r]),
  );
  const out: DriftFinding[] = [];
  for (const record of holderByName.values())
    if (!busyIds.has(record.id)) out.push(...judgeRecord(record, holdings));

  // a fine-grained template names its CT, Portainer environment, NetBox VM and route alike
  const unmanagedNames = new Set<string>();
  for (const system of ['proxmox', 'portainer', 'netbox'] as const) {
    const listing = holdings[system];
    if (!listing.ok) continue;
    for (const item of listing.items) {
      if (item.unmanaged) {
        unmanagedNames.add(item.name);
        continue;
      }
      const id = item.environmentId!;
      if (busyIds.has(id) || busyNames.has(item.name)) continue;
      const record = byId.get(id);
      const reason = orphanReason(system, item, record);
      if (!reason) continue;
      const resourceKind = SYSTEM_RESOURCE[system];
      out.push({
        kind: 'orphan',
        resourceKind,
        resourceId: item.id,
        environmentId: record?.id ?? null,
        environmentName: record?.name ?? item.name,
        detail: `${LABEL[resourceKind]} ${item.id} "${item.name}" is marked docker-env-${id}, but ${reason}; left in place for an admin to remove or adopt`,
      });
    }
  }
  if (holdings.routes.ok) {
    for (const route of holdings.routes.items) {
      const name = route.name;
      if (busyNames.has(name) || holderByName.has(name)) continue;
      if (unmanagedNames.has(name)) continue;
      out.push({
        kind: 'orphan',
        resourceKind: 'route',
        resourceId: route.id,
        environmentId: null,
        environmentName: name,
        detail: `route file ${route.id} names environment ${name}, which no ready or paused record holds; left in place for an admin to remove`,
      });
    }
  }
  return out;
}
