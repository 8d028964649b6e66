import express from 'express';
import { LabControl } from '../core/LabControl';
import { ClosableServer } from '../core/ClosableServer';
import { authenticate, mountAccessRoutes } from './access';
import { proxyDocker } from './dockerProxy';
import {
  createEndpoint,
  findEndpoint,
  listEndpoints,
  readForm,
  updateEndpoint,
  withEndpoint,
} from './endpoints';
import {
  PortainerState,
  PtEndpoint,
  renderEndpoint,
  renderRegistry,
} from './model';
import { isReply, perr, type Reply, send } from './reply';
import { mountRegistryRoutes, registryAccess } from './registries';
import { mountSettingsRoutes } from './settings';
import { PortainerRequestCheck } from './requestCheck';
import { takeDockerSnapshot } from './snapshot';
import type { AgentLink } from '../tls/agentSignature';
import type { ContractDrift, UnknownInputPolicy } from '../contracts';
import {
  PORTAINER_DEFAULT_LATENCIES,
  PORTAINER_LAB_API_KEY,
  type PortainerSimulatorOptions,
  seedState,
} from './config';
import { systemVersion, PORTAINER_VERSION } from './system';
import { type Caller, mayUseEndpoint, mayUseRegistry } from './userAccess';
import { createTag, deleteTag, renderTag } from './tags';

/** What a regular user's JWT may call: the Docker proxy and the reads of environments and their registries. */
const REGULAR_USER_ROUTES =
  /^(?:[A-Z]+ \/endpoints\/\d+\/docker(?:\/.*)?|GET \/endpoints(?:\/\d+(?:\/registries)?)?\/?)$/;

const NOBODY = { Id: 0, Username: '', Role: 2, password: '' };

export {
  PORTAINER_DEFAULT_LATENCIES,
  PORTAINER_LAB_API_KEY,
  type PortainerSimulatorOptions,
} from './config';

/**
 * A loopback Portainer CE 2.2x API: environments (agent creation pings the agent over real HTTP),
 * teams, team memberships, users, registries, per-environment registry access, `/api/auth`, and the
 * Docker proxy `/api/endpoints/{id}/docker/*` forwarded to the agent. The lab's agents are plain
 * HTTP on `IP:9001`, so `tcp://IP:9001` is reached as `http://IP:9001` (the real agent is HTTPS).
 */
export class PortainerSimulator {
  readonly state: PortainerState;
  /** Every API request seen, for "nothing was sent" assertions. */
  readonly requests: Array<{ method: string; path: string }> = [];
  /** Requests that strayed from the contract (unknown query parameters, form and body fields). */
  readonly contractDrift: ContractDrift[] = [];
  private readonly check: PortainerRequestCheck;
  private readonly jwts = new Map<string, number>();
  /** Who sent each request in flight (set by the authentication middleware). */
  private readonly callers = new WeakMap<express.Request, Caller>();
  private snapshotTimer?: NodeJS.Timeout;
  /** How this Portainer reaches agents (TLS lab); undefined: plain HTTP. */
  private agentLink?: AgentLink;

  private constructor(
    readonly url: string,
    readonly control: LabControl,
    private readonly server: ClosableServer,
    state: PortainerState,
    private readonly apiKeys: string[],
    unknownInput: UnknownInputPolicy,
  ) {
    this.state = state;
    this.check = new PortainerRequestCheck(unknownInput, this.contractDrift);
  }

  /** Starts the simulator on 127.0.0.1; `url` ends with `/api`. */
  static async start(
    options: PortainerSimulatorOptions = {},
  ): Promise<PortainerSimulator> {
    const control = new LabControl(
      PORTAINER_DEFAULT_LATENCIES,
      options.latencyScale ?? 1,
    );
    const state = seedState(options);
    const app = express();
    const server = await ClosableServer.listen(
      app,
      '127.0.0.1',
      options.port ?? 0,
      { tls: options.tls },
    );
    const { port } = server;
    const sim = new PortainerSimulator(
      `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/api`,
      control,
      server,
      state,
      options.apiKeys ?? [PORTAINER_LAB_API_KEY],
      options.unknownInput ?? 'reject',
    );
    sim.agentLink = options.agentLink;
    sim.mount(app);
    const every = options.snapshotIntervalMs ?? 300_000;
    if (every > 0) {
      sim.snapshotTimer = setInterval(() => void sim.snapshotAll(), every);
      sim.snapshotTimer.unref();
    }
    return sim;
  }

  /** Stops listening and closes open connections. */
  async stop(): Promise<void> {
    clearInterval(this.snapshotTimer);
    await this.server.close();
  }

  /**
   * Snapshots one environment through its agent (Portainer's snapshot service): Status 1 with a
   * fresh `Snapshots[0]` when the agent answers, Status 2 (down) and the old snapshot when not.
   */
  async snapshot(e: PtEndpoint, strict = false): Promise<void> {
    try {
      e.Snapshots = [
        await takeDockerSnapshot(
          e.URL,
          Math.floor(Date.now() / 1000),
          10_000,
          this.agentLink,
        ),
      ];
      e.Status = 1;
    } catch (error) {
      e.Status = 2;
      if (strict) throw error;
    }
  }

  /** Snapshots every environment (the periodic job, `POST /api/endpoints/snapshot`). */
  async snapshotAll(): Promise<void> {
    await Promise.all(this.state.endpoints.map(e => this.snapshot(e)));
  }

  /** The caller the authentication middleware recorded; none is treated as a regular user without access. */
  private callerOf(req: express.Request): Caller {
    return this.callers.get(req) ?? { user: NOBODY };
  }

  private nextId(kind: string) {
    this.state.nextId[kind] = (this.state.nextId[kind] ?? 0) + 1;
    return this.state.nextId[kind];
  }

  private mount(app: express.Express) {
    app.disable('x-powered-by');
    app.set('etag', false);
    app.get('/_lab/state', (_req, res) => {
      res.json({
        ...this.state,
        users: this.state.users.map(u => ({ ...u, password: '********' })),
        registries: this.state.registries.map(r => ({
          ...r,
          Password: r.Password ? '********' : '',
        })),
      });
    });
    app.use('/_lab', this.control.router());
    app.use('/api', (req, _res, next) => {
      this.requests.push({ method: req.method, path: req.originalUrl });
      next();
    });
    app.use('/api', this.check.routing());
    // public, as in Portainer: the version and instance id
    const status = (_req: express.Request, res: express.Response) =>
      send(res, {
        status: 200,
        body: { Version: PORTAINER_VERSION, InstanceID: this.state.instanceId },
      });
    app.get('/api/status', status);
    app.get('/api/system/status', status);
    app.post(
      '/api/auth',
      express.raw({ type: () => true }),
      this.check.request(),
      (req, res) =>
        this.handle('portainer.auth', res, () =>
          authenticate(this.state, req, this.jwts),
        ),
    );
    app.use('/api', (req, res, next) => {
      const key = req.headers['x-api-key'];
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (typeof key === 'string' && key !== '') {
        if (!this.apiKeys.includes(key))
          return send(res, perr(401, 'Invalid JWT token', 'Unauthorized'));
        this.callers.set(req, {});
        return next();
      }
      if (bearer) {
        const user = this.state.users.find(u => u.Id === this.jwts.get(bearer));
        if (!user)
          return send(res, perr(401, 'Invalid JWT token', 'Unauthorized'));
        // a regular user reaches the Docker proxy and the environment reads; the rest is admin-only
        if (
          user.Role !== 1 &&
          !REGULAR_USER_ROUTES.test(`${req.method} ${req.path}`)
        )
          return send(res, perr(403, 'Access denied', 'Unauthorized'));
        this.callers.set(req, { user });
        return next();
      }
      return send(
        res,
        perr(401, 'A valid authorization token is missing', 'Unauthorized'),
      );
    });
    // The Docker proxy streams bodies: mounted before any body parser.
    app.all(/^\/api\/endpoints\/([^/]+)\/docker(\/.*)?$/, (req, res) => {
      void proxyDocker(
        this.state,
        this.control,
        req,
        res,
        this.callerOf(req),
        this.agentLink,
      );
    });
    app.post(
      '/api/endpoints',
      (req, res) => void this.createEndpoint(req, res),
    );
    const json = express.raw({ type: () => true, limit: '5mb' });
    const r = (
      method: 'get' | 'post' | 'put' | 'delete',
      path: string,
      op: string,
      fn: (req: express.Request) => Reply,
    ) =>
      app[method](path, json, this.check.request(), (req, res) =>
        this.handle(op, res, () => fn(req)),
      );

    r('get', '/api/endpoints', 'portainer.endpoint.list', req =>
      listEndpoints(
        {
          ...this.state,
          endpoints: this.state.endpoints.filter(e =>
            mayUseEndpoint(this.state, this.callerOf(req), e),
          ),
        },
        req,
      ),
    );
    r('get', '/api/endpoints/:id', 'portainer.endpoint.get', req =>
      withEndpoint(this.state, req, e =>
        mayUseEndpoint(this.state, this.callerOf(req), e)
          ? { status: 200, body: renderEndpoint(e) }
          : perr(403, 'Permission denied to access environment'),
      ),
    );
    r('put', '/api/endpoints/:id', 'portainer.endpoint.update', req =>
      updateEndpoint(this.state, req),
    );
    r('delete', '/api/endpoints/:id', 'portainer.endpoint.delete', req =>
      withEndpoint(this.state, req, e => {
        this.state.endpoints = this.state.endpoints.filter(x => x.Id !== e.Id);
        for (const reg of this.state.registries)
          delete reg.RegistryAccesses[String(e.Id)];
        return { status: 204 };
      }),
    );
    r(
      'put',
      '/api/endpoints/:id/registries/:registryId',
      'portainer.endpoint.registryAccess',
      req => registryAccess(this.state, req),
    );
    r(
      'get',
      '/api/endpoints/:id/registries',
      'portainer.endpoint.registries',
      req =>
        withEndpoint(this.state, req, e => {
          const caller = this.callerOf(req);
          if (!mayUseEndpoint(this.state, caller, e))
            return perr(403, 'Permission denied to access environment');
          return {
            status: 200,
            body: this.state.registries
              .filter(reg => mayUseRegistry(this.state, caller, reg, e.Id))
              .map(renderRegistry),
          };
        }),
    );
    app.post('/api/endpoints/snapshot', (_req, res) =>
      this.handle('portainer.endpoint.snapshot', res, async () => {
        await this.snapshotAll();
        return { status: 204 };
      }),
    );
    app.post('/api/endpoints/:id/snapshot', (req, res) =>
      this.handle('portainer.endpoint.snapshot', res, async () => {
        const e = findEndpoint(this.state, req.params.id);
        if (isReply(e)) return e;
        await this.snapshot(e);
        return { status: 204 };
      }),
    );
    r('get', '/api/system/version', 'portainer.system.version', () => ({
      status: 200,
      body: systemVersion(),
    }));
    r('get', '/api/tags', 'portainer.tag.list', () => ({
      status: 200,
      body: this.state.tags.map(t => renderTag(this.state, t)),
    }));
    r('post', '/api/tags', 'portainer.tag.create', req =>
      createTag(this.state, req, () => this.nextId('tag')),
    );
    r('delete', '/api/tags/:id', 'portainer.tag.delete', req =>
      deleteTag(this.state, req.params.id),
    );
    mountAccessRoutes(r, this.state, kind => this.nextId(kind));
    mountRegistryRoutes(r, this.state, kind => this.nextId(kind));
    mountSettingsRoutes(r, this.state);
    app.use('/api', (req, res) => {
      const missing = this.check.notSimulated(req);
      if (missing) return send(res, missing);
      return res
        .status(404)
        .type('text/plain; charset=utf-8')
        .send('404 page not found\n');
    });
  }

  private async handle(
    op: string,
    res: express.Response,
    fn: () => Reply | Promise<Reply>,
  ) {
    const fault = this.control.enter(op);
    await this.control.delay(op);
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'fail') {
      send(
        res,
        {
          status: fault.status,
          body: fault.body ?? {
            message: fault.reason ?? 'Injected failure',
            details: fault.reason ?? 'Injected failure',
          },
        },
        fault.reason,
      );
      return;
    }
    send(res, await fn());
  }

  private async createEndpoint(req: express.Request, res: express.Response) {
    const op = 'portainer.endpoint.create';
    let form: Record<string, string>;
    try {
      form = await readForm(req);
    } catch (e) {
      await this.handle(op, res, () =>
        perr(400, 'Invalid request payload', 'invalid environment name'),
      );
      return;
    }
    await this.handle(op, res, () =>
      createEndpoint(
        this.state,
        req,
        form,
        this.check,
        kind => this.nextId(kind),
        // a signing Portainer (TLS lab) fails the create when the agent refuses it, as real ones do
        e => this.snapshot(e, Boolean(this.agentLink)),
        this.agentLink,
      ),
    );
  }
}
