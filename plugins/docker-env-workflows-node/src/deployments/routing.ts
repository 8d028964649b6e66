import type {
  RouteSpec,
  TraefikDynamicConfig,
} from '@docker-env/plugin-docker-env-node';
import type { Backend } from './types';

/**
 * The route that serves a deployed container: the environment's main route (its host) for the primary
 * container, otherwise the container's own route `<container>.<environment host>`.
 */
export function routeFor(
  environment: string,
  container: string,
  primary: boolean,
  backend: Backend,
): RouteSpec {
  return {
    environment,
    ...(primary ? {} : { name: container, subdomain: container }),
    target: { kind: 'backend', backend },
  };
}

/** The backends a route document sends traffic to (weighted services are followed through their parts). */
export function backendsOf(
  document: TraefikDynamicConfig | undefined,
): Backend[] {
  const out: Backend[] = [];
  for (const service of Object.values(document?.http.services ?? {})) {
    if (!('loadBalancer' in service)) continue;
    for (const server of service.loadBalancer.servers) {
      const url = new URL(server.url);
      out.push({
        ip: url.hostname,
        port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      });
    }
  }
  return out;
}
