import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import {
  ClosableServer,
  type ClosableServerOptions,
} from '../core/ClosableServer';
import { EdgeExchange, sendError, sendNotFound } from './exchange';
import { loadRouteDirectory } from './loadDirectory';
import { forwardedHeaders, ProxyTimeouts } from './proxy';
import { BadRequestError, ruleRequest, RoutedRequest } from './rule/request';
import { buildRuntime, EdgeRuntime, RouterStatus } from './runtime';
import type { EdgeLogger, HttpDynamicConfig } from './types';

/** An entry point of the edge on 127.0.0.1: plain HTTP, or TLS when `tls` is given. */
export interface EdgeEntryPoint {
  /** Name routers list in `entryPoints` (Traefik's static configuration), e.g. `web`. */
  name: string;
  /** 0 or unset: a free port. */
  port?: number;
  /** Terminates TLS: the default certificate and the SNI choice (the lab's TLS mode, `websecure`). */
  tls?: ClosableServerOptions['tls'];
  /**
   * Traefik's `entryPoints.<name>.http.redirections.entryPoint.to`: every request is redirected
   * (permanent, scheme https) to that entry point.
   */
  redirectTo?: string;
}

/** Options of {@link EdgeRouter.start}. */
export interface EdgeRouterOptions {
  /** The route folder (Traefik's `providers.file.directory`); created when missing. */
  directory: string;
  /** Default: one entry point `web` on a free port. */
  entryPoints?: EdgeEntryPoint[];
  /** Quiet time after a file event before the folder is read again. Default 50 ms. */
  debounceMs?: number;
  timeouts?: Partial<ProxyTimeouts>;
  /** Where configuration errors go (Traefik's log). Default: stderr. */
  logger?: EdgeLogger;
  /** Called with each configuration loaded (the certificate resolver follows the routers). */
  onConfig?: (config: HttpDynamicConfig) => void;
}

/** What the last reload did. */
export interface EdgeReload {
  /** Increases with every successful load of the folder. */
  generation: number;
  /** `performance.now()` when the successful load began reading the folder: it saw every write finished before. */
  startedAt: number;
  /** The error of the last attempt when it failed (the previous configuration stays in force). */
  error?: string;
  files: string[];
}

const STDERR_LOGGER: EdgeLogger = {
  info: m => process.stderr.write(`edge: ${m}\n`),
  warn: m => process.stderr.write(`edge: WARN ${m}\n`),
  error: m => process.stderr.write(`edge: ERROR ${m}\n`),
};

/** What Traefik sets as `X-Forwarded-Server`. */
const SERVER_NAME = os.hostname();

/**
 * An edge router that plays Traefik v3 with the file provider (`directory`, `watch: true`): it
 * serves the routers, services and middlewares of every `.yml`/`.yaml`/`.toml` file in the
 * route folder on loopback entry points, and reloads when a file changes.
 */
export class EdgeRouter {
  private runtime: EdgeRuntime = {
    routers: new Map(),
    status: [],
    stop: () => {},
  };
  private state: EdgeReload = { generation: 0, startedAt: -1, files: [] };
  private watcher?: fs.FSWatcher;
  private debounce?: NodeJS.Timeout;
  private rewatch?: NodeJS.Timeout;
  private reloading?: Promise<void>;
  private pending = false;
  private stopped = false;
  private readonly waiters: Array<() => void> = [];
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly listeners = new Map<string, ClosableServer>();

  private constructor(
    private readonly options: EdgeRouterOptions,
    private readonly logger: EdgeLogger,
    private readonly timeouts: ProxyTimeouts,
  ) {}

  /** Loads the folder, starts watching it and listens on every entry point. */
  static async start(options: EdgeRouterOptions): Promise<EdgeRouter> {
    const edge = new EdgeRouter(options, options.logger ?? STDERR_LOGGER, {
      dialTimeoutMs: options.timeouts?.dialTimeoutMs ?? 30_000,
      responseHeaderTimeoutMs:
        options.timeouts?.responseHeaderTimeoutMs ?? 60_000,
    });
    await fs.promises.mkdir(options.directory, { recursive: true });
    edge.watch();
    await edge.reload();
    try {
      for (const ep of options.entryPoints ?? [{ name: 'web' }]) {
        const server = await ClosableServer.listen(
          (req, res) => edge.handle(ep.name, req, res),
          '127.0.0.1',
          ep.port ?? 0,
          { tls: ep.tls },
        );
        // Traefik's entry point defaults: readTimeout 60 s, idleTimeout 180 s
        server.server.requestTimeout = 60_000;
        server.server.headersTimeout = 60_000;
        server.server.keepAliveTimeout = 180_000;
        edge.listeners.set(ep.name, server);
      }
    } catch (error) {
      await edge.stop();
      throw error;
    }
    return edge;
  }

  /** Base URL of an entry point (default: the first), e.g. `http://127.0.0.1:18000`. */
  url(entryPoint?: string): string {
    const name = entryPoint ?? this.listeners.keys().next().value;
    const server = name === undefined ? undefined : this.listeners.get(name);
    if (!server) throw new Error(`no entry point ${entryPoint}`);
    const tls = this.options.entryPoints?.find(e => e.name === name)?.tls;
    return `${tls ? 'https' : 'http'}://127.0.0.1:${server.port}`;
  }

  /** Every router of the configuration in force, with its error when it is not served. */
  routers(): RouterStatus[] {
    return this.runtime.status;
  }

  /** The route folder it serves. */
  get directory(): string {
    return this.options.directory;
  }

  /** What the last reload did. */
  get lastReload(): EdgeReload {
    return this.state;
  }

  /** Reads the folder again now (also what every file event does after the debounce). */
  reload(): Promise<void> {
    if (this.reloading) {
      this.pending = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.pending = false;
        await this.loadOnce();
      } while (this.pending && !this.stopped);
    })().finally(() => {
      this.reloading = undefined;
      this.waiters.splice(0).forEach(w => w());
    });
    return this.reloading;
  }

  /** Resolves after the next reload attempt (successful or not) has finished. */
  nextReload(): Promise<void> {
    return new Promise(resolve => this.waiters.push(resolve));
  }

  /** Stops watching, closes the entry points (dropping open connections) and the health checks. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.debounce);
    clearTimeout(this.rewatch);
    this.watcher?.close();
    await this.reloading;
    this.runtime.stop();
    for (const server of this.listeners.values()) await server.close();
    this.agent.destroy();
  }

  private async loadOnce() {
    const startedAt = performance.now();
    try {
      const { config, files } = await loadRouteDirectory(
        this.options.directory,
        this.logger,
      );
      if (this.stopped) return;
      const entryPoints = (this.options.entryPoints ?? [{ name: 'web' }]).map(
        e => ({ name: e.name, tls: Boolean(e.tls) }),
      );
      const next = buildRuntime(config, entryPoints, {
        agent: this.agent,
        timeouts: this.timeouts,
        logger: this.logger,
      });
      this.options.onConfig?.(config);
      const previous = this.runtime;
      this.runtime = next;
      previous.stop();
      this.state = {
        generation: this.state.generation + 1,
        startedAt,
        files,
      };
    } catch (e) {
      // as Traefik: the configuration in force stays, the error is logged
      const error = (e as Error).message;
      this.state = { ...this.state, error };
      this.logger.error(`Error occurred during watcher callback: ${error}`);
    }
  }

  private watch() {
    if (this.stopped) return;
    try {
      this.watcher = fs.watch(
        this.options.directory,
        { persistent: false },
        () => this.schedule(),
      );
      this.watcher.on('error', e => {
        this.logger.error(`Watcher event error: ${e.message}`);
        this.watcher?.close();
        this.rewatch = setTimeout(() => this.watch(), 1000);
      });
    } catch (e) {
      this.logger.error(`error adding file watcher: ${(e as Error).message}`);
      this.rewatch = setTimeout(() => this.watch(), 1000);
    }
  }

  private schedule() {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.reload().catch(() => {});
    }, this.options.debounceMs ?? 50);
  }

  /** Entry-point redirection (Traefik's redirectScheme, permanent): 301 for GET and HEAD, else 308. */
  private redirect(
    to: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ) {
    const port = this.listeners.get(to)?.port;
    const host = (req.headers.host ?? '127.0.0.1').replace(/:\d*$/, '');
    const target = `https://${host}${port === 443 ? '' : `:${port}`}${
      req.url ?? '/'
    }`;
    const safe = req.method === 'GET' || req.method === 'HEAD';
    res.writeHead(safe ? 301 : 308, { Location: target });
    res.end(safe ? 'Moved Permanently' : 'Permanent Redirect');
  }

  private handle(
    entryPoint: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ) {
    const ep = this.options.entryPoints?.find(e => e.name === entryPoint);
    if (ep?.redirectTo) {
      this.redirect(ep.redirectTo, req, res);
      return;
    }
    const scheme = ep?.tls ? 'https' : 'http';
    const clientIp = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    let routed: RoutedRequest;
    try {
      routed = ruleRequest(req, SERVER_NAME, clientIp);
    } catch (e) {
      if (!(e instanceof BadRequestError)) throw e;
      sendError(res, 400, `400 Bad Request: ${e.message}`);
      return;
    }
    const router = this.runtime.routers
      .get(entryPoint)
      ?.find(r => r.rule.matches(routed.rule));
    if (!router) {
      sendNotFound(res);
      return;
    }
    const headers = forwardedHeaders(req, scheme, clientIp, routed.host);
    headers.host = routed.host;
    const exchange: EdgeExchange = {
      req,
      res,
      // Go's client sends `/` for an empty path
      path: routed.path || '/',
      search: routed.search,
      headers,
      onResponseHeaders: [],
      scheme,
      clientIp,
    };
    router.handler(exchange);
  }
}
