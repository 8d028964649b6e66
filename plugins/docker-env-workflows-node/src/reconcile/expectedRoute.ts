import { pausedDocument } from '../lifecycle/routes';
import type { LifecycleConfig } from '../lifecycle/types';
import { buildRouteDocument } from '@docker-env/plugin-docker-env-node';
import type { RouteStore } from '@docker-env/plugin-docker-env-node';
import type {
  TraefikDynamicConfig,
  TraefikRouteSettings,
} from '@docker-env/plugin-docker-env-node';

/**
 * What the main route of a ready or paused environment must say.
 *
 * @public
 */
export interface MainRouteExpectation {
  /** The environment name (the route's host is `<name>.<base domain>`). */
  name: string;
  /** The guest's current IPv4 address. */
  ip: string;
  /** The host port the environment's host is served from (the welcome container's, or the primary deployment's). */
  port: number;
  /** A paused environment's route sends its routers to the paused service (its own service kept for the way back). */
  paused: boolean;
}

/**
 * The main route document as the provisioning, deployment and pause steps write it today: built with the current
 * route settings (so a changed TLS or middleware setting counts as drift and is rolled out by the rewrite).
 *
 * @public
 */
export function expectedMainRoute(
  settings: TraefikRouteSettings,
  pausedRoute: LifecycleConfig['pausedRoute'],
  expectation: MainRouteExpectation,
): { id: string; document: TraefikDynamicConfig } {
  const { id, document } = buildRouteDocument(
    {
      environment: expectation.name,
      target: {
        kind: 'backend',
        backend: { ip: expectation.ip, port: expectation.port },
      },
    },
    settings,
  );
  return {
    id,
    document: expectation.paused
      ? pausedDocument(id, document, pausedRoute)
      : document,
  };
}

/** The document as JSON with its keys sorted (what a file says, whatever its key order or the objects' realm). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map(k => [k, v[k]]),
        )
      : v,
  );
}

/**
 * How the route file of an environment compares with what it must say.
 *
 * @public
 */
export type RouteComparison = 'same' | 'missing' | 'changed';

/**
 * Reads the route file `id` and compares it with `expected` (key order aside); an unreadable file is `changed`.
 *
 * @public
 */
export async function compareRoute(
  store: Pick<RouteStore, 'get'>,
  id: string,
  expected: TraefikDynamicConfig,
): Promise<RouteComparison> {
  let actual: TraefikDynamicConfig | undefined;
  try {
    actual = await store.get(id);
  } catch (e) {
    // not valid YAML or not a route document any more: edited by hand (a read that failed is no judgement)
    if ((e as Error).name === 'InputError') return 'changed';
    throw e;
  }
  if (actual === undefined) return 'missing';
  return canonical(actual) === canonical(expected) ? 'same' : 'changed';
}
