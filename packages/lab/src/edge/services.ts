import http from 'node:http';
import { Handler, sendError } from './exchange';
import { forward, ProxyTimeouts } from './proxy';
import { EdgeLogger, HealthCheckConfig, parseGoDuration } from './types';

/** A built service: its request handler and what stops its background work (health checks). */
export interface ServiceRuntime {
  handle: Handler;
  /** False when no server or child can take a request right now. */
  available(): boolean;
  stop(): void;
}

/** Smooth weighted round robin: a weight 3 / 1 split serves a, a, b, a, ... */
export class WeightedRoundRobin<T> {
  private readonly current: number[];
  constructor(private readonly items: Array<{ item: T; weight: number }>) {
    this.current = items.map(() => 0);
  }

  /** The next item among those `eligible` accepts; undefined when none is. */
  next(eligible: (item: T) => boolean = () => true): T | undefined {
    let total = 0;
    let best = -1;
    this.items.forEach(({ item, weight }, i) => {
      if (weight <= 0 || !eligible(item)) return;
      this.current[i] += weight;
      total += weight;
      if (best < 0 || this.current[i] > this.current[best]) best = i;
    });
    if (best < 0) return undefined;
    this.current[best] -= total;
    return this.items[best].item;
  }
}

/** What every load balancer shares: the connection pool and the timeouts. */
export interface ServiceContext {
  agent: http.Agent;
  timeouts: ProxyTimeouts;
  logger: EdgeLogger;
}

interface Server {
  url: URL;
  healthy: boolean;
}

function startHealthCheck(
  name: string,
  servers: Server[],
  hc: HealthCheckConfig,
  logger: EdgeLogger,
): () => void {
  const intervalMs = parseGoDuration(hc.interval, 30_000);
  const timeoutMs = parseGoDuration(hc.timeout, 5_000);
  const check = (server: Server) => {
    const url = new URL(hc.path ?? '/', server.url);
    if (hc.scheme) url.protocol = `${hc.scheme}:`;
    if (hc.port) url.port = String(hc.port);
    const set = (healthy: boolean, why: string) => {
      if (healthy === server.healthy) return;
      server.healthy = healthy;
      if (healthy) logger.info(`service ${name}: ${server.url.href} is up`);
      else
        logger.warn(
          `service ${name}: health check failed for ${server.url.href}: ${why}`,
        );
    };
    const req = http.request(url, {
      method: hc.method ?? 'GET',
      headers: {
        ...(hc.headers ?? {}),
        ...(hc.hostname ? { host: hc.hostname } : {}),
      },
      timeout: timeoutMs,
    });
    req.on('timeout', () =>
      req.destroy(new Error(`timeout after ${timeoutMs} ms`)),
    );
    req.on('error', e => set(false, e.message));
    req.on('response', res => {
      res.resume();
      const s = res.statusCode ?? 0;
      const ok = hc.status ? s === hc.status : s >= 200 && s < 400;
      set(ok, `received status ${s}`);
    });
    req.end();
  };
  // like Traefik: servers start healthy, the first check runs after one interval
  const timer = setInterval(() => servers.forEach(check), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** A `loadBalancer` service: round robin over its healthy servers, 503 when none is left. */
export function loadBalancerService(
  name: string,
  config: NonNullable<import('./types').HttpServiceConfig['loadBalancer']>,
  context: ServiceContext,
): ServiceRuntime {
  const servers: Server[] = (config.servers ?? []).map((s, i) => {
    let url: URL;
    try {
      url = new URL(s.url);
    } catch {
      throw new Error(
        `servers[${i}].url ${JSON.stringify(s.url)} is not a URL`,
      );
    }
    if (url.protocol !== 'http:')
      throw new Error(
        `servers[${i}].url: the lab edge forwards to http:// servers only`,
      );
    return { url, healthy: true };
  });
  const wrr = new WeightedRoundRobin(
    servers.map((server, i) => ({
      item: server,
      weight: config.servers?.[i].weight ?? 1,
    })),
  );
  const stop = config.healthCheck
    ? startHealthCheck(name, servers, config.healthCheck, context.logger)
    : () => {};
  const passHostHeader = config.passHostHeader ?? true;
  return {
    available: () => servers.some(s => s.healthy),
    handle: x => {
      const server = wrr.next(s => s.healthy);
      if (!server) {
        sendError(x.res, 503, 'no available server');
        return;
      }
      forward(x, server.url, {
        passHostHeader,
        agent: context.agent,
        timeouts: context.timeouts,
      });
    },
    stop,
  };
}

/** A `weighted` service (blue-green, canary): weighted round robin over other services. */
export function weightedService(
  children: Array<{ service: ServiceRuntime; weight: number }>,
): ServiceRuntime {
  const wrr = new WeightedRoundRobin(
    children.map(c => ({ item: c.service, weight: c.weight })),
  );
  return {
    available: () => children.some(c => c.weight > 0 && c.service.available()),
    handle: x => {
      const child = wrr.next();
      if (!child) {
        sendError(x.res, 503, 'no available server');
        return;
      }
      child.handle(x);
    },
    // children are services of their own, stopped with the runtime
    stop: () => {},
  };
}
