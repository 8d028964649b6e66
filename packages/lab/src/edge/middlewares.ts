import http from 'node:http';
import { EdgeExchange, Handler } from './exchange';

/** Builds one middleware in front of `next`; throws when its configuration cannot work. */
export type MiddlewareFactory = (
  options: Record<string, unknown>,
  next: Handler,
  resolveChain: (names: string[], next: Handler) => Handler,
) => Handler;

function stringList(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some(v => typeof v !== 'string'))
    throw new Error(`${field} must be a list of strings`);
  return value as string[];
}

function stringMap(value: unknown): Record<string, string> {
  return (value ?? {}) as Record<string, string>;
}

/** Sets (or with an empty value, removes) headers, as Traefik's custom headers do. */
function applyCustom(
  target: Record<string, unknown>,
  custom: Record<string, string>,
) {
  for (const [name, value] of Object.entries(custom)) {
    if (value === '') delete target[name.toLowerCase()];
    else target[name.toLowerCase()] = value;
  }
}

const stripPrefix: MiddlewareFactory = (options, next) => {
  const prefixes = stringList(options.prefixes, 'stripPrefix.prefixes');
  const forceSlash = options.forceSlash === true;
  return x => {
    const prefix = prefixes.find(p => x.path.startsWith(p));
    if (prefix !== undefined) {
      const rest = x.path.slice(prefix.length);
      x.path = forceSlash
        ? `/${rest.replace(/^\//, '')}`
        : rest.startsWith('/')
        ? rest
        : `/${rest}`;
      const prior = x.headers['x-forwarded-prefix'];
      x.headers['x-forwarded-prefix'] = prior ? `${prior}, ${prefix}` : prefix;
    }
    next(x);
  };
};

function requestScheme(x: EdgeExchange): 'http' | 'https' {
  const proto = String(x.headers['x-forwarded-proto'] ?? x.scheme);
  return /^(https|wss)$/i.test(proto) ? 'https' : 'http';
}

const redirectScheme: MiddlewareFactory = (options, next) => {
  const scheme = options.scheme;
  if (typeof scheme !== 'string' || scheme === '')
    throw new Error('redirectScheme: you must provide a target scheme');
  const configuredPort = options.port === undefined ? '' : String(options.port);
  const port =
    configuredPort === '' ||
    (scheme === 'http' && configuredPort === '80') ||
    (scheme === 'https' && configuredPort === '443')
      ? ''
      : `:${configuredPort}`;
  const permanent = options.permanent === true;
  return x => {
    const rawHost = x.req.headers.host ?? '';
    const hostOnly = rawHost.replace(/:\d+$/, '');
    const portMatch = /:(\d+)$/.exec(rawHost);
    const current = requestScheme(x);
    let currentPort = portMatch ? `:${portMatch[1]}` : '';
    if (
      (current === 'http' && currentPort === ':80') ||
      (current === 'https' && currentPort === ':443')
    )
      currentPort = '';
    const uri = `${x.path}${x.search}`;
    const from = `${current}://${hostOnly}${currentPort}${uri}`;
    const to = `${scheme}://${hostOnly}${port}${uri}`;
    if (from === to) {
      next(x);
      return;
    }
    const isGet = x.req.method === 'GET';
    let status = isGet ? 302 : 307;
    if (permanent) status = isGet ? 301 : 308;
    const body = http.STATUS_CODES[status] ?? '';
    x.res.writeHead(status, { location: to, 'content-length': body.length });
    x.res.end(x.req.method === 'HEAD' ? undefined : body);
  };
};

/** The headers options the edge applies; any other option makes the middleware unsupported. */
const HEADERS_OPTIONS = new Set([
  'customRequestHeaders',
  'customResponseHeaders',
  'stsSeconds',
  'stsIncludeSubdomains',
  'stsPreload',
  'forceSTSHeader',
  'frameDeny',
  'customFrameOptionsValue',
  'contentTypeNosniff',
  'browserXssFilter',
  'contentSecurityPolicy',
  'referrerPolicy',
  'permissionsPolicy',
]);

const headers: MiddlewareFactory = (options, next) => {
  const unsupported = Object.keys(options).filter(k => !HEADERS_OPTIONS.has(k));
  if (unsupported.length > 0)
    throw new Error(
      `headers: option(s) ${unsupported.join(
        ', ',
      )} are not simulated by the lab edge`,
    );
  const requestCustom = stringMap(options.customRequestHeaders);
  const responseCustom = stringMap(options.customResponseHeaders);
  const security = (scheme: string) => {
    const out: Record<string, string> = {};
    const sts = Number(options.stsSeconds ?? 0);
    if (sts > 0 && (scheme === 'https' || options.forceSTSHeader === true)) {
      out['strict-transport-security'] = `max-age=${sts}${
        options.stsIncludeSubdomains ? '; includeSubDomains' : ''
      }${options.stsPreload ? '; preload' : ''}`;
    }
    if (typeof options.customFrameOptionsValue === 'string')
      out['x-frame-options'] = options.customFrameOptionsValue;
    else if (options.frameDeny === true) out['x-frame-options'] = 'DENY';
    if (options.contentTypeNosniff === true)
      out['x-content-type-options'] = 'nosniff';
    if (options.browserXssFilter === true)
      out['x-xss-protection'] = '1; mode=block';
    if (typeof options.contentSecurityPolicy === 'string')
      out['content-security-policy'] = options.contentSecurityPolicy;
    if (typeof options.referrerPolicy === 'string')
      out['referrer-policy'] = options.referrerPolicy;
    if (typeof options.permissionsPolicy === 'string')
      out['permissions-policy'] = options.permissionsPolicy;
    return out;
  };
  return x => {
    applyCustom(x.headers, requestCustom);
    const scheme = requestScheme(x);
    x.onResponseHeaders.push(h => {
      Object.assign(h, security(scheme));
      applyCustom(h, responseCustom);
    });
    next(x);
  };
};

const chain: MiddlewareFactory = (options, next, resolveChain) =>
  resolveChain(stringList(options.middlewares, 'chain.middlewares'), next);

/** The middleware types the edge simulates; a router using any other type is dropped with an error. */
export const MIDDLEWARES: Record<string, MiddlewareFactory> = {
  stripPrefix,
  redirectScheme,
  headers,
  chain,
};
