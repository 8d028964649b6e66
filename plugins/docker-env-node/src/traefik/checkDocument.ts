import { InputError } from '@backstage/errors';
import { TraefikDynamicConfig } from './types';

// The structural rules Traefik's file provider needs, checked at runtime before any write. The
// full v3 schema is not shipped with the package; tests validate every document against it.

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(@[a-z][a-z0-9-]*)?$/;
const HOST =
  '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*';
const RULE = new RegExp(
  `^Host\\(\`${HOST}\`\\)( && PathPrefix\\(\`(/[A-Za-z0-9._~-]+)+/?\`\\))?$`,
);
const URL_RE = /^https?:\/\/[a-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9/._~-]*)?$/;
const DURATION = /^([0-9]+(ns|us|ms|s|m|h))+$/;

function fail(path: string, rule: string): never {
  throw new InputError(`traefik document ${path}: ${rule}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(
  obj: Record<string, unknown>,
  allowed: string[],
  path: string,
) {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(`${path}.${key}`, 'is not allowed');
  }
}

function nonEmptyMap(v: unknown, path: string): Record<string, unknown> {
  if (!isObject(v)) fail(path, 'must be a map');
  if (Object.keys(v).length === 0)
    fail(path, 'must not be an empty map (it stops all Traefik updates)');
  for (const name of Object.keys(v)) {
    if (!NAME.test(name) || name.includes('@'))
      fail(`${path}.${name}`, 'has an invalid name');
  }
  return v;
}

function nameList(v: unknown, path: string) {
  if (!Array.isArray(v) || v.length === 0)
    fail(path, 'must be a non-empty list');
  v.forEach((n, i) => {
    if (typeof n !== 'string' || !NAME.test(n))
      fail(`${path}[${i}]`, 'must be a Traefik name');
  });
}

function checkService(
  svc: unknown,
  path: string,
  services: Record<string, unknown>,
) {
  if (!isObject(svc)) fail(path, 'must be a map');
  const kinds = Object.keys(svc);
  if (kinds.length !== 1)
    fail(path, 'must have exactly one of loadBalancer or weighted');
  if (isObject(svc.loadBalancer)) {
    const lb = svc.loadBalancer;
    onlyKeys(
      lb,
      ['servers', 'healthCheck', 'passHostHeader'],
      `${path}.loadBalancer`,
    );
    if (!Array.isArray(lb.servers) || lb.servers.length === 0) {
      fail(`${path}.loadBalancer.servers`, 'must list at least one server');
    }
    lb.servers.forEach((s: unknown, i: number) => {
      const p = `${path}.loadBalancer.servers[${i}]`;
      if (!isObject(s)) fail(p, 'must be a map');
      onlyKeys(s, ['url'], p);
      if (typeof s.url !== 'string' || !URL_RE.test(s.url))
        fail(`${p}.url`, 'must be an http(s) URL');
    });
    if (lb.healthCheck !== undefined) {
      const hc = lb.healthCheck;
      const p = `${path}.loadBalancer.healthCheck`;
      if (!isObject(hc)) fail(p, 'must be a map');
      onlyKeys(hc, ['path', 'interval', 'timeout'], p);
      if (
        typeof hc.path !== 'string' ||
        !/^(\/[A-Za-z0-9._~-]+)+\/?$|^\/$/.test(hc.path)
      ) {
        fail(`${p}.path`, 'must be a path');
      }
      for (const k of ['interval', 'timeout']) {
        if (
          hc[k] !== undefined &&
          (typeof hc[k] !== 'string' || !DURATION.test(hc[k] as string))
        ) {
          fail(`${p}.${k}`, 'must be a duration');
        }
      }
    }
    if (
      lb.passHostHeader !== undefined &&
      typeof lb.passHostHeader !== 'boolean'
    ) {
      fail(`${path}.loadBalancer.passHostHeader`, 'must be a boolean');
    }
  } else if (isObject(svc.weighted)) {
    const w = svc.weighted;
    onlyKeys(w, ['services'], `${path}.weighted`);
    if (!Array.isArray(w.services) || w.services.length === 0) {
      fail(`${path}.weighted.services`, 'must list at least one service');
    }
    w.services.forEach((s: unknown, i: number) => {
      const p = `${path}.weighted.services[${i}]`;
      if (!isObject(s)) fail(p, 'must be a map');
      onlyKeys(s, ['name', 'weight'], p);
      if (
        typeof s.name !== 'string' ||
        !(s.name in services) ||
        s.name === path.split('.').pop()
      ) {
        fail(`${p}.name`, 'must name another service of this document');
      }
      if (
        typeof s.weight !== 'number' ||
        !Number.isInteger(s.weight) ||
        s.weight < 0
      ) {
        fail(`${p}.weight`, 'must be a whole number >= 0');
      }
    });
  } else {
    fail(path, 'must have exactly one of loadBalancer or weighted');
  }
}

function checkRouter(
  r: unknown,
  path: string,
  services: Record<string, unknown>,
) {
  if (!isObject(r)) fail(path, 'must be a map');
  onlyKeys(
    r,
    ['rule', 'service', 'entryPoints', 'middlewares', 'priority', 'tls'],
    path,
  );
  if (typeof r.rule !== 'string' || !RULE.test(r.rule)) {
    fail(
      `${path}.rule`,
      'must be Host(`host`) optionally && PathPrefix(`/path`) with validated values',
    );
  }
  if (typeof r.service !== 'string' || !NAME.test(r.service))
    fail(`${path}.service`, 'must be a Traefik name');
  if (!r.service.includes('@') && !(r.service in services)) {
    fail(
      `${path}.service`,
      'must name a service of this document or a provider-qualified one (name@provider)',
    );
  }
  if (r.entryPoints !== undefined)
    nameList(r.entryPoints, `${path}.entryPoints`);
  if (r.middlewares !== undefined)
    nameList(r.middlewares, `${path}.middlewares`);
  if (
    r.priority !== undefined &&
    (!Number.isInteger(r.priority) || (r.priority as number) < 0)
  ) {
    fail(`${path}.priority`, 'must be a whole number >= 0');
  }
  if (r.tls !== undefined) {
    if (!isObject(r.tls)) fail(`${path}.tls`, 'must be a map');
    onlyKeys(r.tls, ['certResolver', 'domains'], `${path}.tls`);
    if (
      r.tls.certResolver !== undefined &&
      (typeof r.tls.certResolver !== 'string' || !NAME.test(r.tls.certResolver))
    ) {
      fail(`${path}.tls.certResolver`, 'must be a Traefik name');
    }
    if (r.tls.domains !== undefined) {
      if (!Array.isArray(r.tls.domains) || r.tls.domains.length === 0)
        fail(`${path}.tls.domains`, 'must be a non-empty list');
      const host = new RegExp(`^(\\*\\.)?${HOST}$`);
      r.tls.domains.forEach((d: unknown, i: number) => {
        const p = `${path}.tls.domains[${i}]`;
        if (!isObject(d)) fail(p, 'must be a map');
        onlyKeys(d, ['main', 'sans'], p);
        if (typeof d.main !== 'string' || !host.test(d.main))
          fail(`${p}.main`, 'must be a host name');
        if (d.sans !== undefined) {
          if (!Array.isArray(d.sans) || d.sans.length === 0)
            fail(`${p}.sans`, 'must be a non-empty list');
          d.sans.forEach((s: unknown, j: number) => {
            if (typeof s !== 'string' || !host.test(s))
              fail(`${p}.sans[${j}]`, 'must be a host name');
          });
        }
      });
    }
  }
}

function checkMiddleware(m: unknown, path: string) {
  if (!isObject(m)) fail(path, 'must be a map');
  onlyKeys(m, ['stripPrefix'], path);
  const strip = m.stripPrefix;
  if (!isObject(strip)) fail(`${path}.stripPrefix`, 'must be a map');
  onlyKeys(strip, ['prefixes'], `${path}.stripPrefix`);
  if (!Array.isArray(strip.prefixes) || strip.prefixes.length === 0)
    fail(`${path}.stripPrefix.prefixes`, 'must be a non-empty list');
  strip.prefixes.forEach((p: unknown, i: number) => {
    if (typeof p !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(p))
      fail(`${path}.stripPrefix.prefixes[${i}]`, 'must be a path prefix');
  });
}

/**
 * Checks a route document against the rules the writer relies on: only `http` routers and
 * services, no empty maps, routers with a validated rule and a resolvable service, services with
 * exactly one kind and at least one server. Throws InputError naming the offending path.
 *
 * @public
 */
export function assertValidRouteDocument(
  doc: unknown,
): asserts doc is TraefikDynamicConfig {
  if (!isObject(doc)) fail('(root)', 'must be a map');
  onlyKeys(doc, ['http'], '(root)');
  if (!isObject(doc.http)) fail('http', 'must be a map');
  onlyKeys(doc.http, ['routers', 'services', 'middlewares'], 'http');
  if (doc.http.middlewares !== undefined)
    for (const [name, m] of Object.entries(
      nonEmptyMap(doc.http.middlewares, 'http.middlewares'),
    ))
      checkMiddleware(m, `http.middlewares.${name}`);
  const routers = nonEmptyMap(doc.http.routers, 'http.routers');
  const services =
    doc.http.services === undefined
      ? {}
      : nonEmptyMap(doc.http.services, 'http.services');
  for (const [name, svc] of Object.entries(services))
    checkService(svc, `http.services.${name}`, services);
  for (const [name, r] of Object.entries(routers))
    checkRouter(r, `http.routers.${name}`, services);
}
