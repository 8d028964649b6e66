/** Where the edge reports what Traefik would log (configuration errors, skipped duplicates). */
export interface EdgeLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** An HTTP router of the Traefik v3 dynamic configuration (the fields the edge reads). */
export interface HttpRouterConfig {
  rule?: string;
  ruleSyntax?: string;
  service?: string;
  entryPoints?: string[];
  middlewares?: string[];
  priority?: number;
  tls?: Record<string, unknown>;
}

/** Active health check of a load balancer. */
export interface HealthCheckConfig {
  path?: string;
  method?: string;
  scheme?: string;
  hostname?: string;
  port?: number;
  interval?: string;
  timeout?: string;
  status?: number;
  headers?: Record<string, string>;
  followRedirects?: boolean;
}

/** An HTTP service: load balancer or weighted (mirroring and failover are not simulated). */
export interface HttpServiceConfig {
  loadBalancer?: {
    servers?: Array<{ url: string; weight?: number }>;
    healthCheck?: HealthCheckConfig;
    passHostHeader?: boolean;
    [other: string]: unknown;
  };
  weighted?: {
    services?: Array<{ name: string; weight?: number }>;
    [other: string]: unknown;
  };
  [other: string]: unknown;
}

/** An HTTP middleware: one key naming its type. */
export type HttpMiddlewareConfig = Record<string, Record<string, unknown>>;

/** The `http` section of a dynamic configuration. */
export interface HttpDynamicConfig {
  routers?: Record<string, HttpRouterConfig>;
  services?: Record<string, HttpServiceConfig>;
  middlewares?: Record<string, HttpMiddlewareConfig>;
}

/** Parses a Go duration (`30s`, `1m30s`, `250ms`; a bare number is seconds, as Traefik reads it). */
export function parseGoDuration(value: string | undefined, fallbackMs: number) {
  if (value === undefined || value === '') return fallbackMs;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60000,
    h: 3600000,
  };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    total += Number(m[1]) * units[m[2]];
    consumed = re.lastIndex;
  }
  if (consumed !== value.length) throw new Error(`invalid duration ${value}`);
  return total;
}
