import type { Config } from '@backstage/config';
import type { Environment } from '@docker-env/plugin-docker-env-common';
import {
  ProxmoxApiClient,
  type LxcSnapshot,
} from '@docker-env/plugin-docker-env-node';
import { listEnvironmentSnapshots } from '@docker-env/plugin-docker-env-workflows-node';
import type { DockerEnvStore } from '../store/types';
import type { SnapshotRecord } from './SnapshotStore';

/** One snapshot of the list the API answers with: what Proxmox holds, merged with the portal's record. */
export interface SnapshotListItem {
  name: string;
  description: string;
  /** When Proxmox took it (epoch seconds), as Proxmox reports it. */
  snaptime?: number;
  parent?: string;
  /** `portal` when made through the portal (recorded), `outside` when Proxmox holds it and we have no record. */
  origin: 'portal' | 'outside';
  /** False for a recorded snapshot Proxmox no longer holds (removed outside the portal). */
  inProxmox: boolean;
  createdBy?: string;
  createdAt?: string;
  operationId?: string;
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** Merges Proxmox's snapshots with the live records, oldest first. */
export function mergeSnapshots(
  held: LxcSnapshot[],
  records: SnapshotRecord[],
): SnapshotListItem[] {
  const byName = new Map(records.map(r => [r.name, r]));
  const items: SnapshotListItem[] = held.map(s => {
    const record = byName.get(s.name);
    byName.delete(s.name);
    return {
      ...s,
      origin: record ? 'portal' : 'outside',
      inProxmox: true,
      ...(record && {
        createdBy: record.createdBy,
        createdAt: record.createdAt,
        ...(record.operationId && { operationId: record.operationId }),
      }),
    };
  });
  for (const record of byName.values())
    items.push({
      name: record.name,
      description: record.description,
      origin: 'portal',
      inProxmox: false,
      createdBy: record.createdBy,
      createdAt: record.createdAt,
      ...(record.operationId && { operationId: record.operationId }),
    });
  const time = (i: SnapshotListItem) =>
    i.snaptime ?? (i.createdAt ? seconds(i.createdAt) : 0);
  return items.sort((a, b) => time(a) - time(b));
}

/** The snapshot list of an environment (with a CT). */
export interface SnapshotList {
  list(
    environment: Environment & { vmid: number },
  ): Promise<SnapshotListItem[]>;
}

/**
 * The snapshot list the API answers with: Proxmox's list through the client of `dockerEnv.proxmox` (built on first
 * use, like the runner's registry, so a backend with incomplete infrastructure config still starts), merged with
 * the records in `snapshots`.
 */
export function snapshotListFromConfig(
  config: Config,
  store: Pick<DockerEnvStore, 'snapshots'>,
): SnapshotList {
  let proxmox: ProxmoxApiClient | undefined;
  return {
    async list(environment) {
      proxmox ??= ProxmoxApiClient.fromConfig(config);
      const [held, records] = await Promise.all([
        listEnvironmentSnapshots(proxmox, environment.vmid),
        store.snapshots().listLive(environment.id),
      ]);
      return mergeSnapshots(held, records);
    },
  };
}
