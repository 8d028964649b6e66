import {
  MANAGED_BY,
  NETBOX_ENVIRONMENT_FIELD,
  UNMANAGED_MARK,
} from '@docker-env/plugin-docker-env-node';
import type { NetBoxApi } from '@docker-env/plugin-docker-env-node';
import type { PortainerApi } from '@docker-env/plugin-docker-env-node';
import type { ProxmoxClient } from '@docker-env/plugin-docker-env-node';
import { ROUTE_ID_PREFIX } from '@docker-env/plugin-docker-env-node';
import type { RouteStore } from '@docker-env/plugin-docker-env-node';

/**
 * The systems the reconciler lists.
 *
 * @public
 */
export type HoldingSystem = 'proxmox' | 'portainer' | 'netbox' | 'routes';

/**
 * One resource that carries our mark, as its system lists it.
 *
 * @public
 */
export interface MarkedResource {
  /** The system's id: the vmid, the Portainer endpoint id, the NetBox VM id or the route id. */
  id: string;
  /** The hostname / name of the resource; for a route, the environment name its id names. */
  name: string;
  /**
   * The environment id its mark names (`docker-env-<id>` tag, NetBox custom field); undefined for route files, which
   * are listed by their `dockerenv_` name (the route writer checks the mark line inside each before it changes one).
   */
  environmentId?: string;
  /** Made by a fine-grained scaffolder action (`docker-env_unmanaged`): the reconciler leaves it alone. */
  unmanaged: boolean;
  /** CTs only. */
  status?: 'running' | 'stopped';
}

/**
 * A system's listing, or why it could not be read (the reconciler then judges nothing of that system).
 *
 * @public
 */
export type Listing =
  | { ok: true; items: MarkedResource[] }
  | { ok: false; error: string };

/**
 * What each system holds with our marks.
 *
 * @public
 */
export type Holdings = Record<HoldingSystem, Listing>;

/**
 * The clients {@link listHoldings} reads through (the production clients of this package).
 *
 * @public
 */
export interface HoldingsDeps {
  proxmox: Pick<ProxmoxClient, 'listContainers'>;
  portainer: Pick<PortainerApi, 'listEndpoints' | 'listTags'>;
  netbox: Pick<NetBoxApi, 'listVirtualMachines'>;
  routes: Pick<RouteStore, 'list'>;
}

const ENVIRONMENT_TAG_PREFIX = `${MANAGED_BY}-`;

/** The environment id in a `docker-env-<id>` tag (the unmanaged mark `docker-env_unmanaged` is none). */
function environmentIdOfTag(tag: string): string | undefined {
  return tag.startsWith(ENVIRONMENT_TAG_PREFIX)
    ? tag.slice(ENVIRONMENT_TAG_PREFIX.length) || undefined
    : undefined;
}

async function listing(
  read: () => Promise<MarkedResource[]>,
): Promise<Listing> {
  try {
    return { ok: true, items: await read() };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** CTs (not templates) with a `docker-env-<id>` tag, from `/cluster/resources`. */
async function markedCts(deps: HoldingsDeps): Promise<MarkedResource[]> {
  const out: MarkedResource[] = [];
  for (const ct of await deps.proxmox.listContainers()) {
    if (ct.template) continue;
    const environmentId = ct.tags.map(environmentIdOfTag).find(Boolean);
    if (!environmentId) continue;
    out.push({
      id: String(ct.vmid),
      name: ct.name ?? '',
      environmentId,
      unmanaged: ct.tags.includes(UNMANAGED_MARK),
      status: ct.status,
    });
  }
  return out;
}

/** Portainer environments tagged `docker-env-<id>`. */
async function markedEndpoints(deps: HoldingsDeps): Promise<MarkedResource[]> {
  const tags = new Map(
    (await deps.portainer.listTags()).map(t => [t.id, t.name]),
  );
  const out: MarkedResource[] = [];
  for (const endpoint of await deps.portainer.listEndpoints()) {
    const names = endpoint.tagIds.map(id => tags.get(id) ?? '');
    const environmentId = names.map(environmentIdOfTag).find(Boolean);
    if (!environmentId) continue;
    out.push({
      id: String(endpoint.id),
      name: endpoint.name,
      environmentId,
      unmanaged: names.includes(UNMANAGED_MARK),
    });
  }
  return out;
}

/** NetBox VMs tagged `docker-env` that carry an environment id in their custom field. */
async function markedVms(deps: HoldingsDeps): Promise<MarkedResource[]> {
  const out: MarkedResource[] = [];
  for (const vm of await deps.netbox.listVirtualMachines({ tag: MANAGED_BY })) {
    const environmentId = vm.customFields[NETBOX_ENVIRONMENT_FIELD];
    if (typeof environmentId !== 'string' || !environmentId) continue;
    out.push({
      id: String(vm.id),
      name: vm.name,
      environmentId,
      unmanaged: vm.tags.includes(UNMANAGED_MARK),
    });
  }
  return out;
}

/** Route files named `dockerenv_<environment>[_<container>]`; other files in the folder are not ours. */
async function markedRoutes(deps: HoldingsDeps): Promise<MarkedResource[]> {
  return (await deps.routes.list())
    .filter(id => id.startsWith(ROUTE_ID_PREFIX))
    .map(id => ({
      id,
      name: id.slice(ROUTE_ID_PREFIX.length).split('_')[0],
      unmanaged: false,
    }));
}

/**
 * Lists what Proxmox, Portainer, NetBox and the route folder hold with our marks, each system on its own: one that
 * cannot be read answers its error and the others are still listed. Every call goes through the clients' timeouts.
 *
 * @public
 */
export async function listHoldings(deps: HoldingsDeps): Promise<Holdings> {
  const [proxmox, portainer, netbox, routes] = await Promise.all([
    listing(() => markedCts(deps)),
    listing(() => markedEndpoints(deps)),
    listing(() => markedVms(deps)),
    listing(() => markedRoutes(deps)),
  ]);
  return { proxmox, portainer, netbox, routes };
}
