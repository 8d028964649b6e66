import { Handler } from './exchange';
import { MIDDLEWARES } from './middlewares';
import { CompiledRule, parseRule, rulePriority } from './rule';
import {
  loadBalancerService,
  ServiceContext,
  ServiceRuntime,
  weightedService,
} from './services';
import { HttpDynamicConfig } from './types';

/** The provider every name of the route folder belongs to (`<name>@file`). */
const PROVIDER = 'file';

/**
 * Traefik's `maxUserPriority` (`math.MaxInt - 1000` on 64 bits) as the nearest double, 2^63 - 1024:
 * YAML numbers reach the edge as doubles, so the values just above Traefik's bound read as it.
 */
const MAX_USER_PRIORITY = 2 ** 63 - 1024;

/** A router ready to take requests on its entry points. */
export interface RouterRuntime {
  /** Qualified name, `<name>@file`. */
  name: string;
  rule: CompiledRule;
  priority: number;
  /** Served on TLS entry points only (it has a `tls` section). */
  tls: boolean;
  entryPoints: string[];
  handler: Handler;
}

/** The state of one router as Traefik's dashboard shows it. */
export interface RouterStatus {
  name: string;
  status: 'enabled' | 'disabled';
  error?: string;
  rule?: string;
  priority?: number;
  entryPoints?: string[];
}

/** Everything built from one configuration. */
export interface EdgeRuntime {
  /** Routers by entry point, highest priority first (ties: by name, where Traefik's order is unspecified). */
  routers: Map<string, RouterRuntime[]>;
  status: RouterStatus[];
  stop(): void;
}

function qualify(name: string): string {
  return name.includes('@') ? name : `${name}@${PROVIDER}`;
}

function localName(qualified: string): string | undefined {
  const at = qualified.lastIndexOf('@');
  return qualified.slice(at + 1) === PROVIDER
    ? qualified.slice(0, at)
    : undefined;
}

/** An entry point of the edge: its name and whether it terminates TLS. */
export interface EntryPointInfo {
  name: string;
  tls: boolean;
}

/**
 * Builds routers, services and middlewares from a merged configuration, as Traefik's router
 * manager does: a router whose rule does not parse, or whose service, middleware or entry
 * points cannot be resolved, is left out with an error (logged), and the others work.
 */
export function buildRuntime(
  config: HttpDynamicConfig,
  entryPoints: EntryPointInfo[],
  context: ServiceContext,
): EdgeRuntime {
  const services = new Map<string, ServiceRuntime | Error>();
  const building = new Set<string>();

  const service = (ref: string): ServiceRuntime => {
    const name = qualify(ref);
    const cached = services.get(name);
    if (cached instanceof Error) throw cached;
    if (cached) return cached;
    const local = localName(name);
    const conf = local !== undefined ? config.services?.[local] : undefined;
    if (!conf) throw new Error(`the service "${name}" does not exist`);
    if (building.has(name))
      throw new Error(`recursion detected in service ${name}`);
    building.add(name);
    try {
      let built: ServiceRuntime;
      if (conf.loadBalancer) {
        built = loadBalancerService(name, conf.loadBalancer, context);
      } else if (conf.weighted) {
        built = weightedService(
          (conf.weighted.services ?? []).map(c => ({
            service: service(c.name),
            weight: c.weight ?? 1,
          })),
        );
      } else {
        throw new Error(
          `service ${name}: ${Object.keys(conf).join(
            ', ',
          )} services are not simulated by the lab edge`,
        );
      }
      services.set(name, built);
      return built;
    } catch (e) {
      const error = new Error(
        (e as Error).message.startsWith('service ')
          ? (e as Error).message
          : `service ${name}: ${(e as Error).message}`,
      );
      services.set(name, error);
      throw error;
    } finally {
      building.delete(name);
    }
  };

  const wrap = (names: string[], next: Handler, stack: string[]): Handler => {
    let handler = next;
    for (const ref of [...names].reverse()) {
      const name = qualify(ref);
      if (stack.includes(name))
        throw new Error(
          `recursion detected in chain ${[...stack, name].join(' -> ')}`,
        );
      const local = localName(name);
      const conf =
        local !== undefined ? config.middlewares?.[local] : undefined;
      if (!conf) throw new Error(`middleware "${name}" does not exist`);
      const [type, ...others] = Object.keys(conf);
      const factory = MIDDLEWARES[type];
      if (!factory || others.length > 0)
        throw new Error(
          `middleware "${name}": ${Object.keys(conf).join(
            ', ',
          )} is not simulated by the lab edge`,
        );
      try {
        handler = factory(conf[type] ?? {}, handler, (inner, n) =>
          wrap(inner, n, [...stack, name]),
        );
      } catch (e) {
        if ((e as Error).message.startsWith('recursion')) throw e;
        throw new Error(`middleware "${name}": ${(e as Error).message}`);
      }
    }
    return handler;
  };

  const known = new Map(entryPoints.map(e => [e.name, e]));
  const routers = new Map<string, RouterRuntime[]>(
    entryPoints.map(e => [e.name, []]),
  );
  const status: RouterStatus[] = [];
  for (const [local, conf] of Object.entries(config.routers ?? {})) {
    const name = qualify(local);
    const info: RouterStatus = { name, status: 'disabled', rule: conf.rule };
    status.push(info);
    try {
      // Traefik 3.7 parses `v2` with its v2 parser and any other value with the v3 one
      if (conf.ruleSyntax === 'v2')
        throw new Error('ruleSyntax v2 is not simulated by the lab edge');
      if (conf.ruleSyntax && conf.ruleSyntax !== 'default')
        context.logger.warn(
          `router ${name}: Router's \`ruleSyntax\` option is deprecated, please remove any usage of this option.`,
        );
      if (!conf.service)
        throw new Error('the service is missing on the router');
      const priority = conf.priority || rulePriority(conf.rule ?? '');
      if (priority > MAX_USER_PRIORITY)
        throw new Error(
          `the router priority ${priority} exceeds the max user-defined priority 9223372036854774807`,
        );
      // as Traefik: the router's handler is built before its rule is added to the muxer
      const handler = wrap(
        conf.middlewares ?? [],
        service(conf.service).handle,
        [],
      );
      const rule = parseRule(conf.rule ?? '');
      const eps = conf.entryPoints ?? entryPoints.map(e => e.name);
      const valid = eps.filter(e => known.has(e));
      for (const e of eps.filter(n => !known.has(n)))
        context.logger.error(`router ${name}: entryPoint "${e}" doesn't exist`);
      if (valid.length === 0)
        throw new Error('no valid entryPoint for this router');
      const tls = conf.tls !== undefined;
      const runtime: RouterRuntime = {
        name,
        rule,
        priority,
        tls,
        entryPoints: valid,
        handler,
      };
      // a router with tls is served on TLS entry points only; without, on plain ones only,
      // unless the entry point itself terminates TLS for every router on it
      for (const e of valid) {
        if (tls && !known.get(e)!.tls) continue;
        routers.get(e)!.push(runtime);
      }
      Object.assign(info, {
        status: 'enabled',
        priority: runtime.priority,
        entryPoints: valid,
      });
    } catch (e) {
      info.error = (e as Error).message;
      context.logger.error(`router ${name}: ${info.error}`);
    }
  }
  for (const list of routers.values()) {
    list.sort((a, b) => b.priority - a.priority || (a.name < b.name ? -1 : 1));
  }
  return {
    routers,
    status,
    stop: () => {
      for (const s of services.values()) if (!(s instanceof Error)) s.stop();
    },
  };
}
