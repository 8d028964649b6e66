import { routeId } from '@docker-env/plugin-docker-env-node';
import type {
  RouteStore,
  RouteWriter,
} from '@docker-env/plugin-docker-env-node';
import type { TraefikDynamicConfig } from '@docker-env/plugin-docker-env-node';
import type { LifecycleConfig } from './types';

/*
 * Pausing a route keeps its own service in the file and points the router at the paused service instead, so the
 * route folder itself remembers how to route back: no fact has to survive between pause and resume, and the edge
 * never sends the host anywhere but the paused page while the guest's address may be handed to someone else.
 */

/**
 * Ids of the route files named for the environment (its main route and container routes); which of them are the
 * environment's own its mark says (`RouteWriter.sortByMark`).
 *
 * @public
 */
export async function environmentRouteIds(
  store: Pick<RouteStore, 'list'>,
  environment: string,
): Promise<string[]> {
  const main = routeId(environment);
  return (await store.list()).filter(
    id => id === main || id.startsWith(`${main}_`),
  );
}

function pausedServiceName(id: string, paused: LifecycleConfig['pausedRoute']) {
  return paused.url !== undefined ? `${id}-paused` : paused.service!;
}

/**
 * True when every router of the document sends its traffic to the paused service.
 *
 * @public
 */
export function isPausedDocument(
  id: string,
  document: TraefikDynamicConfig,
  paused: LifecycleConfig['pausedRoute'],
): boolean {
  const routers = Object.values(document.http.routers ?? {});
  const name = pausedServiceName(id, paused);
  return routers.length > 0 && routers.every(r => r.service === name);
}

/**
 * The document with its routers pointing at the paused service (own services kept for the way back).
 *
 * @public
 */
export function pausedDocument(
  id: string,
  document: TraefikDynamicConfig,
  paused: LifecycleConfig['pausedRoute'],
): TraefikDynamicConfig {
  const out = structuredClone(document);
  const name = pausedServiceName(id, paused);
  for (const router of Object.values(out.http.routers ?? {}))
    if (out.http.services?.[router.service]) router.service = name;
  if (paused.url !== undefined)
    out.http.services = {
      ...out.http.services,
      [name]: { loadBalancer: { servers: [{ url: paused.url }] } },
    };
  return out;
}

/**
 * The document routed back to its own service, with every backend address set to `ip`.
 *
 * @public
 */
export function liveDocument(
  id: string,
  document: TraefikDynamicConfig,
  paused: LifecycleConfig['pausedRoute'],
  ip: string,
): TraefikDynamicConfig {
  const out = structuredClone(document);
  const name = pausedServiceName(id, paused);
  if (paused.url !== undefined) delete out.http.services?.[name];
  for (const router of Object.values(out.http.routers ?? {}))
    if (router.service === name && out.http.services?.[id]) router.service = id;
  return withBackendIp(id, out, paused, ip);
}

/** The document with every backend server of the environment's own services at `ip` (the paused page untouched). */
export function withBackendIp(
  id: string,
  document: TraefikDynamicConfig,
  paused: LifecycleConfig['pausedRoute'],
  ip: string,
): TraefikDynamicConfig {
  const out = structuredClone(document);
  const skip = pausedServiceName(id, paused);
  for (const [name, service] of Object.entries(out.http.services ?? {})) {
    if (name === skip || !('loadBalancer' in service)) continue;
    for (const server of service.loadBalancer.servers) {
      const url = new URL(server.url);
      url.hostname = ip;
      server.url = url.toString().replace(/\/$/, '');
    }
  }
  return out;
}

/**
 * The route files named for the environment, sorted by their mark (`ours`: its own). An operation holds the
 * environment and its name, so the files an earlier version wrote before route files carried a mark are marked as its
 * own first (`RouteWriter.adoptLegacy`).
 */
export async function environmentRouteFiles(
  writer: RouteWriter,
  target: { environmentId: string; name: string },
): Promise<{ ours: string[]; others: string[] }> {
  const ids = await environmentRouteIds(writer.store, target.name);
  for (const id of ids) await writer.adoptLegacy(target.environmentId, id);
  return writer.sortByMark(target.environmentId, ids);
}

/**
 * Applies `change` to every route file of the environment that carries its mark, through the route writer; writes
 * only the files that change. Files named like the environment's without its mark are not its own and stay as they
 * are.
 *
 * @public
 */
export async function rewriteEnvironmentRoutes(
  writer: RouteWriter,
  target: { environmentId: string; name: string },
  change: (id: string, document: TraefikDynamicConfig) => TraefikDynamicConfig,
): Promise<string[]> {
  const { ours } = await environmentRouteFiles(writer, target);
  const written: string[] = [];
  for (const id of ours)
    if (await writer.update(target.environmentId, id, doc => change(id, doc)))
      written.push(id);
  return written;
}
