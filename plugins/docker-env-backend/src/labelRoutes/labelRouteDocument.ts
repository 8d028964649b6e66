import {
  buildRouteDocument,
  routeId,
  type TraefikDynamicConfig,
  type TraefikRouteSettings,
} from '@docker-env/plugin-docker-env-node';
import { createHash } from 'node:crypto';
import type { LabelRouteRequest } from './labels';

/**
 * The route id of a label route: `dockerenv_<env>_<host>` for a host, the same id an API subdomain's route has (one
 * namespace of hosts), and `dockerenv_<env>_p-<hash of the path>` for a path. Both are named for the environment, so
 * pause, resume and delete change them with its other route files.
 */
export function labelRouteId(
  environment: string,
  request: Pick<LabelRouteRequest, 'host' | 'path'>,
): string {
  return routeId(environment, routeName(request));
}

function routeName(request: Pick<LabelRouteRequest, 'host' | 'path'>) {
  return (
    request.host ??
    `p-${createHash('sha256').update(request.path!).digest('hex').slice(0, 12)}`
  );
}

/**
 * The Traefik document of a label route to `ip:hostPort`. A host route asks the configured resolver for the
 * environment's own wildcard (`*.<environment host>`, issued by DNS challenge) rather than one per host; a path route
 * with `strip-prefix` strips its prefix in a middleware of the same file.
 */
export function labelRouteDocument(
  environment: string,
  request: LabelRouteRequest,
  backend: { ip: string; port: number },
  settings: TraefikRouteSettings,
): { id: string; document: TraefikDynamicConfig } {
  const id = labelRouteId(environment, request);
  const strip = request.path !== undefined && request.stripPrefix;
  const built = buildRouteDocument(
    {
      environment,
      name: routeName(request),
      ...(request.host !== undefined
        ? { subdomain: request.host }
        : { pathPrefix: request.path }),
      target: { kind: 'backend', backend },
      ...(strip ? { middlewares: [`${id}-strip`] } : {}),
    },
    { ...settings, wildcardCertificate: false },
  );
  const router = built.document.http.routers![id];
  if (request.host !== undefined && router.tls && settings.certResolver) {
    const main = `${environment}.${settings.baseDomain}`;
    router.tls.domains = [{ main, sans: [`*.${main}`] }];
  }
  if (strip)
    built.document.http.middlewares = {
      [`${id}-strip`]: { stripPrefix: { prefixes: [request.path!] } },
    };
  return built;
}
