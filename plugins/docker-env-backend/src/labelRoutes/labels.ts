import type { ContainerFactPort } from '../watcher';

/** The route labels of the contract (docs/portainer_usage.md). */
export const ROUTE_LABELS = {
  port: 'docker-env.route.port',
  host: 'docker-env.route.host',
  path: 'docker-env.route.path',
  stripPrefix: 'docker-env.route.strip-prefix',
} as const;

/** What a container's route labels ask for, once every value passed its rule. */
export interface LabelRouteRequest {
  /** `host:<label>` or `path:<prefix>`: the one namespace of an environment's hosts and paths. */
  claim: string;
  host?: string;
  path?: string;
  /** The container port; undefined when the label is absent (the one port the container publishes). */
  port?: number;
  stripPrefix: boolean;
}

/** The labels parsed: none asked for a route, a request, or the problems (each naming the label and the rule). */
export type ParsedLabels =
  | { kind: 'none' }
  | { kind: 'request'; request: LabelRouteRequest }
  | { kind: 'bad'; problems: string[] };

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const PATH_CHARS = /^[A-Za-z0-9._~/-]+$/;

function hostProblem(host: string): string | undefined {
  if (!DNS_LABEL.test(host))
    return `label ${ROUTE_LABELS.host}: ${JSON.stringify(
      host,
    )} is not a DNS label (1-63 lowercase letters, digits and hyphens, no hyphen first or last)`;
  return undefined;
}

function pathProblem(path: string): string | undefined {
  const p = `label ${ROUTE_LABELS.path}: ${JSON.stringify(path)}`;
  if (path === '/' || path === '')
    return `${p} is the environment's main route; give a prefix such as /api`;
  if (!PATH_CHARS.test(path))
    return `${p} has characters outside [A-Za-z0-9._~/-]`;
  if (!path.startsWith('/')) return `${p} must start with /`;
  if (path.includes('//')) return `${p} must not contain an empty segment (//)`;
  if (path.split('/').some(s => s === '..' || s === '.'))
    return `${p} must not contain a . or .. segment`;
  if (path.endsWith('/')) return `${p} must not end with a slash`;
  return undefined;
}

/** Reads a container's route labels against the contract's rules; nothing is guessed from a bad value. */
export function parseRouteLabels(labels: Record<string, string>): ParsedLabels {
  const host = labels[ROUTE_LABELS.host];
  const path = labels[ROUTE_LABELS.path];
  if (host === undefined && path === undefined) return { kind: 'none' };
  const problems: string[] = [];
  if (host !== undefined && path !== undefined)
    problems.push(
      `labels ${ROUTE_LABELS.host} and ${ROUTE_LABELS.path}: give one of them, not both (one route per container)`,
    );
  if (host !== undefined) {
    const problem = hostProblem(host);
    if (problem) problems.push(problem);
  }
  if (path !== undefined) {
    const problem = pathProblem(path);
    if (problem) problems.push(problem);
  }
  const portLabel = labels[ROUTE_LABELS.port];
  let port: number | undefined;
  if (portLabel !== undefined) {
    port = /^[0-9]{1,5}$/.test(portLabel) ? Number(portLabel) : NaN;
    if (!(port >= 1 && port <= 65535))
      problems.push(
        `label ${ROUTE_LABELS.port}: ${JSON.stringify(
          portLabel,
        )} is not a port number from 1 to 65535`,
      );
  }
  const strip = labels[ROUTE_LABELS.stripPrefix];
  if (strip !== undefined && strip !== 'true' && strip !== 'false')
    problems.push(
      `label ${ROUTE_LABELS.stripPrefix}: ${JSON.stringify(
        strip,
      )} must be true or false`,
    );
  if (problems.length > 0) return { kind: 'bad', problems };
  return {
    kind: 'request',
    request: {
      claim: host !== undefined ? `host:${host}` : `path:${path}`,
      ...(host !== undefined ? { host } : { path }),
      ...(port !== undefined ? { port } : {}),
      stripPrefix: strip === 'true',
    },
  };
}

/** The values of the route labels, the key a problem is reported once for. */
export function routeLabelValues(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.values(ROUTE_LABELS).map(l => labels[l] ?? null),
  );
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The host port the edge reaches `containerPort` on: the published binding on an address other than the loopback.
 * A reason instead when there is none.
 */
export function publishedPort(
  ports: ContainerFactPort[],
  containerPort: number | undefined,
): { hostPort: number; containerPort: number } | { reason: string } {
  const tcp = ports.filter(p => p.protocol === 'tcp');
  let wanted = containerPort;
  if (wanted === undefined) {
    const distinct = [...new Set(tcp.map(p => p.containerPort))];
    if (distinct.length !== 1)
      return {
        reason: `label ${ROUTE_LABELS.port} is needed: the container has ${
          distinct.length === 0 ? 'no' : distinct.length
        } TCP ports (${distinct.join(', ') || 'none'})`,
      };
    wanted = distinct[0];
  }
  const bindings = tcp.filter(p => p.containerPort === wanted);
  const published = bindings.filter(p => p.hostPort !== undefined);
  if (published.length === 0)
    return {
      reason: `port ${wanted}/tcp is not published on the host: publish it (e.g. -p ${wanted}:${wanted}) so the edge can reach it`,
    };
  const reachable = published.find(p => !LOOPBACK.has(p.hostIp ?? ''));
  if (!reachable)
    return {
      reason: `port ${wanted}/tcp is published on 127.0.0.1 only: the edge cannot reach it; publish it on all addresses`,
    };
  return { hostPort: reachable.hostPort!, containerPort: wanted };
}
