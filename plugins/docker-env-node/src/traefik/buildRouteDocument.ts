import { InputError } from '@backstage/errors';
import {
  assertDnsLabel,
  assertGoDuration,
  assertHostname,
  assertHttpUrl,
  assertInteger,
  assertIpv4,
  assertPathPrefix,
  assertPort,
  assertTraefikName,
} from '../validation';
import {
  RouteBackend,
  RouteSpec,
  TraefikDynamicConfig,
  TraefikHealthCheck,
  TraefikRouter,
  TraefikRouteSettings,
  TraefikService,
} from './types';

/**
 * Prefix of every route id (and so of file and router names) the writer owns.
 *
 * @public
 */
export const ROUTE_ID_PREFIX = 'dockerenv_';

/**
 * The id of an environment's route (`dockerenv_<env>`) or of one of its container routes
 * (`dockerenv_<env>_<name>`). `_` never occurs in a DNS label, so ids cannot collide.
 *
 * @public
 */
export function routeId(environment: string, name?: string): string {
  assertDnsLabel(environment, 'environment');
  if (name === undefined) return `${ROUTE_ID_PREFIX}${environment}`;
  assertDnsLabel(name, 'name');
  return `${ROUTE_ID_PREFIX}${environment}_${name}`;
}

function backendUrl(backend: RouteBackend, field: string): string {
  if (!backend || typeof backend !== 'object') {
    throw new InputError(`${field}: is required`);
  }
  assertIpv4(backend.ip, `${field}.ip`);
  assertPort(backend.port, `${field}.port`);
  const scheme = backend.scheme ?? 'http';
  if (scheme !== 'http' && scheme !== 'https') {
    throw new InputError(`${field}.scheme: must be http or https`);
  }
  return `${scheme}://${backend.ip}:${backend.port}`;
}

function healthCheck(
  hc: TraefikHealthCheck | undefined,
): TraefikHealthCheck | undefined {
  if (!hc) return undefined;
  const path =
    hc.path === '/' ? '/' : assertPathPrefix(hc.path, 'healthCheck.path');
  const out: TraefikHealthCheck = { path };
  if (hc.interval !== undefined)
    out.interval = assertGoDuration(hc.interval, 'healthCheck.interval');
  if (hc.timeout !== undefined)
    out.timeout = assertGoDuration(hc.timeout, 'healthCheck.timeout');
  return out;
}

function loadBalancer(url: string, hc?: TraefikHealthCheck): TraefikService {
  const checked = healthCheck(hc);
  return {
    loadBalancer: {
      servers: [{ url }],
      ...(checked ? { healthCheck: checked } : {}),
    },
  };
}

/**
 * The router rule for a spec; every value in it has been validated against its grammar.
 *
 * @public
 */
export function routeRule(
  spec: RouteSpec,
  baseDomain: string,
): { host: string; rule: string } {
  assertHostname(baseDomain, 'baseDomain');
  const env = assertDnsLabel(spec.environment, 'environment');
  if (spec.subdomain !== undefined && spec.pathPrefix !== undefined) {
    throw new InputError(
      'subdomain: cannot be combined with pathPrefix (choose host or path based)',
    );
  }
  let host = `${env}.${baseDomain}`;
  if (spec.subdomain !== undefined) {
    host = `${assertDnsLabel(spec.subdomain, 'subdomain')}.${host}`;
  }
  assertHostname(host, 'host');
  let rule = `Host(\`${host}\`)`;
  if (spec.pathPrefix !== undefined) {
    rule += ` && PathPrefix(\`${assertPathPrefix(
      spec.pathPrefix,
      'pathPrefix',
    )}\`)`;
  }
  return { host, rule };
}

/**
 * Builds the dynamic configuration document for one route. Validates every input; never emits
 * an empty map (Traefik stops applying updates when one appears).
 *
 * @public
 */
export function buildRouteDocument(
  spec: RouteSpec,
  settings: TraefikRouteSettings,
): { id: string; document: TraefikDynamicConfig } {
  if (!spec || typeof spec !== 'object')
    throw new InputError('route: is required');
  if (
    (spec.subdomain !== undefined || spec.pathPrefix !== undefined) &&
    spec.name === undefined
  ) {
    throw new InputError(
      'name: is required for container routes (subdomain or pathPrefix)',
    );
  }
  const id = routeId(spec.environment, spec.name);
  const { rule } = routeRule(spec, settings.baseDomain);

  const services: Record<string, TraefikService> = {};
  let serviceName: string;
  const target = spec.target;
  switch (target?.kind) {
    case 'backend':
      serviceName = id;
      services[id] = loadBalancer(
        backendUrl(target.backend, 'target.backend'),
        target.healthCheck,
      );
      break;
    case 'blueGreen': {
      const weights = target.weights ?? ({} as { blue: number; green: number });
      const blue = assertInteger(weights.blue, 'target.weights.blue', 0, 1000);
      const green = assertInteger(
        weights.green,
        'target.weights.green',
        0,
        1000,
      );
      if (blue + green === 0) {
        throw new InputError(
          'target.weights: at least one side must have a weight above 0',
        );
      }
      const blueUrl = backendUrl(target.blue, 'target.blue');
      const greenUrl = backendUrl(target.green, 'target.green');
      const sides: Array<{ name: string; weight: number }> = [];
      if (blue > 0) {
        services[`${id}-blue`] = loadBalancer(blueUrl, target.healthCheck);
        sides.push({ name: `${id}-blue`, weight: blue });
      }
      if (green > 0) {
        services[`${id}-green`] = loadBalancer(greenUrl, target.healthCheck);
        sides.push({ name: `${id}-green`, weight: green });
      }
      serviceName = id;
      services[id] = { weighted: { services: sides } };
      break;
    }
    case 'maintenance':
      if (target.service !== undefined && target.url !== undefined) {
        throw new InputError(
          'target: give either service or url for maintenance, not both',
        );
      }
      if (target.url !== undefined) {
        serviceName = `${id}-maintenance`;
        services[serviceName] = loadBalancer(
          assertHttpUrl(target.url, 'target.url'),
        );
      } else {
        const external = target.service ?? settings.maintenanceService;
        if (external === undefined) {
          throw new InputError(
            'target.service: a maintenance route needs a service, a url or dockerEnv.traefik.maintenanceService',
          );
        }
        serviceName = assertTraefikName(external, 'target.service');
      }
      break;
    default:
      throw new InputError(
        'target.kind: must be backend, blueGreen or maintenance',
      );
  }

  const entryPoints = (settings.entryPoints ?? ['websecure']).map((e, i) =>
    assertTraefikName(e, `entryPoints[${i}]`),
  );
  const middlewares = [
    ...(settings.middlewares ?? []),
    ...(spec.middlewares ?? []),
  ].map((m, i) => assertTraefikName(m, `middlewares[${i}]`));
  const router: TraefikRouter = { rule, service: serviceName };
  if (entryPoints.length > 0) router.entryPoints = entryPoints;
  if (middlewares.length > 0) router.middlewares = middlewares;
  const tls: NonNullable<TraefikRouter['tls']> = {};
  if (settings.certResolver !== undefined) {
    tls.certResolver = assertTraefikName(settings.certResolver, 'certResolver');
  }
  if (settings.wildcardCertificate) {
    // `*.<base>` covers one label only: host based container routes live one level deeper
    const main =
      spec.subdomain !== undefined
        ? `${spec.environment}.${settings.baseDomain}`
        : settings.baseDomain;
    tls.domains = [{ main, sans: [`*.${main}`] }];
  }
  // an empty tls object is meaningful (TLS with the default certificate), unlike empty maps
  if (settings.tls !== false) router.tls = tls;

  const http: TraefikDynamicConfig['http'] = { routers: { [id]: router } };
  if (Object.keys(services).length > 0) http.services = services;
  return { id, document: { http } };
}
