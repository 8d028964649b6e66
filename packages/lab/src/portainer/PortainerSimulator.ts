import busboy from 'busboy';
import express from 'express';
import { randomBytes, randomUUID } from 'node:crypto';
import { LabControl } from '../core/LabControl';
import { ClosableServer } from '../core/ClosableServer';
import { agentBaseUrl, forwardToAgent, pingAgent } from './agent';
import {
  PortainerState,
  PtAccessPolicies,
  PtEndpoint,
  PtRegistry,
  renderEndpoint,
  renderRegistry,
  renderUser,
} from './model';
import { field, isReply, parseJson, perr, type Reply, send } from './reply';
import { PortainerRequestCheck } from './requestCheck';
import { takeDockerSnapshot } from './snapshot';
import type { ContractDrift, UnknownInputPolicy } from '../contracts';
import { systemVersion, PORTAINER_VERSION } from './system';
import { createTag, deleteTag, renderTag } from './tags';

/** The admin API key accepted by default (`X-API-Key`). */
export const PORTAINER_LAB_API_KEY =
  'ptr_labAdminKey0000000000000000000000000000000';

/**
 * Default latencies in ms (Portainer CE on BoltDB answers fast): reads 20-30 ms, writes 40-60 ms,
 * environment creation 100 ms plus the real agent ping. Operation names: `portainer.<op>`, e.g.
 * `portainer.endpoint.create`, `portainer.endpoint.update`, `portainer.team.create`,
 * `portainer.membership.delete`, `portainer.registry.create`, `portainer.docker` (proxy).
 */
export const PORTAINER_DEFAULT_LATENCIES: Record<string, number> = {
  'portainer.auth': 60,
  'portainer.endpoint.list': 30,
  'portainer.endpoint.get': 20,
  'portainer.endpoint.create': 100,
  'portainer.endpoint.update': 50,
  'portainer.endpoint.delete': 50,
  'portainer.endpoint.registryAccess': 40,
  'portainer.team.list': 20,
  'portainer.team.get': 20,
  'portainer.team.create': 40,
  'portainer.team.delete': 40,
  'portainer.team.memberships': 20,
  'portainer.membership.list': 20,
  'portainer.membership.create': 40,
  'portainer.membership.delete': 40,
  'portainer.user.list': 20,
  'portainer.user.get': 20,
  'portainer.registry.list': 20,
  'portainer.registry.get': 20,
  'portainer.registry.create': 60,
  'portainer.registry.delete': 40,
  'portainer.docker': 20,
};

/** Options of {@link PortainerSimulator.start}. */
export interface PortainerSimulatorOptions {
  /** Multiplier for every latency; 0 makes the simulator instant. Default 1. */
  latencyScale?: number;
  /** API keys of the admin user. Default: {@link PORTAINER_LAB_API_KEY}. */
  apiKeys?: string[];
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Password of the seeded `admin` (id 1) for `POST /api/auth`. Default `labAdminPassword1`. */
  adminPassword?: string;
  /** Regular users to seed (ids from 2). Default alice, bob, carol with password `labPassword1`. */
  users?: Array<{ username: string; password?: string }>;
  /** Tag ids that exist (named `tag-<id>`). Default none; `POST /api/tags` adds more. */
  tagIds?: number[];
  /** How often every environment is snapshotted, ms; Portainer's default 5 min. 0 turns it off. */
  snapshotIntervalMs?: number;
  /**
   * Query parameters, form fields and body fields outside the Portainer contract, which Portainer
   * ignores: `reject` (default) answers 400 naming them, `ignore` answers as Portainer. Both record
   * them in {@link PortainerSimulator.contractDrift}.
   */
  unknownInput?: UnknownInputPolicy;
}

/** Validates an access-policy map as Go would decode `map[TeamID]AccessPolicy`. */
function policies(v: unknown): PtAccessPolicies | Reply {
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    return perr(
      400,
      'Invalid request payload',
      'json: cannot unmarshal into Go struct field of type portainer.TeamAccessPolicies',
    );
  }
  const out: PtAccessPolicies = {};
  for (const [k, p] of Object.entries(v as Record<string, unknown>)) {
    if (!/^\d+$/.test(k)) {
      return perr(
        400,
        'Invalid request payload',
        `json: cannot unmarshal number ${k} into Go value of type portainer.TeamID`,
      );
    }
    const roleId =
      p && typeof p === 'object'
        ? field(p as Record<string, unknown>, 'RoleId')
        : undefined;
    out[k] = { RoleId: typeof roleId === 'number' ? roleId : 0 };
  }
  return out;
}

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
  private snapshotTimer?: NodeJS.Timeout;

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
    const seeded = options.users ?? [
      { username: 'alice' },
      { username: 'bob' },
      { username: 'carol' },
    ];
    const state: PortainerState = {
      users: [
        {
          Id: 1,
          Username: 'admin',
          Role: 1,
          password: options.adminPassword ?? 'labAdminPassword1',
        },
        ...seeded.map((u, i) => ({
          Id: i + 2,
          Username: u.username,
          Role: 2,
          password: u.password ?? 'labPassword1',
        })),
      ],
      teams: [],
      memberships: [],
      endpoints: [],
      registries: [],
      tags: (options.tagIds ?? []).map(id => ({ ID: id, Name: `tag-${id}` })),
      instanceId: randomUUID(),
      nextId: {
        user: seeded.length + 1,
        tag: Math.max(0, ...(options.tagIds ?? [])),
      },
    };
    const app = express();
    const server = await ClosableServer.listen(
      app,
      '127.0.0.1',
      options.port ?? 0,
    );
    const { port } = server;
    const sim = new PortainerSimulator(
      `http://127.0.0.1:${port}/api`,
      control,
      server,
      state,
      options.apiKeys ?? [PORTAINER_LAB_API_KEY],
      options.unknownInput ?? 'reject',
    );
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
  async snapshot(e: PtEndpoint): Promise<void> {
    try {
      e.Snapshots = [
        await takeDockerSnapshot(e.URL, Math.floor(Date.now() / 1000)),
      ];
      e.Status = 1;
    } catch {
      e.Status = 2;
    }
  }

  /** Snapshots every environment (the periodic job, `POST /api/endpoints/snapshot`). */
  async snapshotAll(): Promise<void> {
    await Promise.all(this.state.endpoints.map(e => this.snapshot(e)));
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
        this.handle('portainer.auth', res, () => this.authenticate(req)),
    );
    app.use('/api', (req, res, next) => {
      const key = req.headers['x-api-key'];
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (typeof key === 'string' && key !== '') {
        if (!this.apiKeys.includes(key))
          return send(res, perr(401, 'Invalid JWT token', 'Unauthorized'));
        return next();
      }
      if (bearer) {
        if (!this.jwts.has(bearer))
          return send(res, perr(401, 'Invalid JWT token', 'Unauthorized'));
        if (
          this.state.users.find(u => u.Id === this.jwts.get(bearer))?.Role !== 1
        ) {
          return send(res, perr(403, 'Access denied', 'Unauthorized'));
        }
        return next();
      }
      return send(
        res,
        perr(401, 'A valid authorization token is missing', 'Unauthorized'),
      );
    });
    // The Docker proxy streams bodies: mounted before any body parser.
    app.all(/^\/api\/endpoints\/([^/]+)\/docker(\/.*)?$/, (req, res) => {
      void this.docker(req, res);
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
      this.listEndpoints(req),
    );
    r('get', '/api/endpoints/:id', 'portainer.endpoint.get', req =>
      this.withEndpoint(req, e => ({ status: 200, body: renderEndpoint(e) })),
    );
    r('put', '/api/endpoints/:id', 'portainer.endpoint.update', req =>
      this.updateEndpoint(req),
    );
    r('delete', '/api/endpoints/:id', 'portainer.endpoint.delete', req =>
      this.withEndpoint(req, e => {
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
      req => this.registryAccess(req),
    );
    r(
      'get',
      '/api/endpoints/:id/registries',
      'portainer.endpoint.registries',
      req =>
        this.withEndpoint(req, () => ({
          status: 200,
          body: this.state.registries.map(renderRegistry),
        })),
    );
    app.post('/api/endpoints/snapshot', (_req, res) =>
      this.handle('portainer.endpoint.snapshot', res, async () => {
        await this.snapshotAll();
        return { status: 204 };
      }),
    );
    app.post('/api/endpoints/:id/snapshot', (req, res) =>
      this.handle('portainer.endpoint.snapshot', res, async () => {
        const e = this.findEndpoint(req.params.id);
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
    r('get', '/api/teams', 'portainer.team.list', () => ({
      status: 200,
      body: this.state.teams,
    }));
    r('post', '/api/teams', 'portainer.team.create', req =>
      this.createTeam(req),
    );
    r('get', '/api/teams/:id', 'portainer.team.get', req =>
      this.withTeam(req, t => ({ status: 200, body: t })),
    );
    r('delete', '/api/teams/:id', 'portainer.team.delete', req =>
      this.withTeam(req, t => {
        this.state.teams = this.state.teams.filter(x => x.Id !== t.Id);
        this.state.memberships = this.state.memberships.filter(
          m => m.TeamID !== t.Id,
        );
        for (const e of this.state.endpoints)
          delete e.TeamAccessPolicies[String(t.Id)];
        return { status: 204 };
      }),
    );
    r(
      'get',
      '/api/teams/:id/memberships',
      'portainer.team.memberships',
      req => {
        if (!/^\d+$/.test(req.params.id))
          return perr(
            400,
            'Invalid team identifier route variable',
            `strconv.Atoi: parsing "${req.params.id}": invalid syntax`,
          );
        return {
          status: 200,
          body: this.state.memberships.filter(
            m => m.TeamID === Number(req.params.id),
          ),
        };
      },
    );
    r('get', '/api/team_memberships', 'portainer.membership.list', () => ({
      status: 200,
      body: this.state.memberships,
    }));
    r('post', '/api/team_memberships', 'portainer.membership.create', req =>
      this.createMembership(req),
    );
    r(
      'delete',
      '/api/team_memberships/:id',
      'portainer.membership.delete',
      req => {
        const m = this.state.memberships.find(
          x => String(x.Id) === req.params.id,
        );
        if (!m) {
          return perr(
            404,
            'Unable to find a team membership with the specified identifier inside the database',
            'object not found inside the database',
          );
        }
        this.state.memberships = this.state.memberships.filter(
          x => x.Id !== m.Id,
        );
        return { status: 204 };
      },
    );
    r('get', '/api/users', 'portainer.user.list', () => ({
      status: 200,
      body: this.state.users.map(renderUser),
    }));
    r('get', '/api/users/:id', 'portainer.user.get', req => {
      const u = this.state.users.find(x => String(x.Id) === req.params.id);
      if (!u)
        return perr(
          404,
          'Unable to find a user with the specified identifier inside the database',
          'object not found inside the database',
        );
      return { status: 200, body: renderUser(u) };
    });
    r('get', '/api/registries', 'portainer.registry.list', () => ({
      status: 200,
      body: this.state.registries.map(renderRegistry),
    }));
    r('post', '/api/registries', 'portainer.registry.create', req =>
      this.createRegistry(req),
    );
    r('get', '/api/registries/:id', 'portainer.registry.get', req =>
      this.withRegistry(req, reg => ({
        status: 200,
        body: renderRegistry(reg),
      })),
    );
    r('delete', '/api/registries/:id', 'portainer.registry.delete', req =>
      this.withRegistry(req, reg => {
        this.state.registries = this.state.registries.filter(
          x => x.Id !== reg.Id,
        );
        return { status: 204 };
      }),
    );
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

  private authenticate(req: express.Request): Reply {
    const body = parseJson(req);
    if (isReply(body)) return body;
    const username = field(body, 'username');
    const password = field(body, 'password');
    if (typeof username !== 'string' || username === '') {
      return perr(400, 'Invalid request payload', 'Invalid username');
    }
    if (typeof password !== 'string' || password === '') {
      return perr(400, 'Invalid request payload', 'Invalid password');
    }
    const user = this.state.users.find(
      u => u.Username.toLowerCase() === username.toLowerCase(),
    );
    if (!user || user.password !== password) {
      return perr(422, 'Invalid credentials', 'Unauthorized');
    }
    const jwt = randomBytes(32).toString('base64url');
    this.jwts.set(jwt, user.Id);
    return { status: 200, body: { jwt } };
  }

  private listEndpoints(req: express.Request): Reply {
    const name = typeof req.query.name === 'string' ? req.query.name : '';
    const search =
      typeof req.query.search === 'string'
        ? req.query.search.toLowerCase()
        : '';
    let list = this.state.endpoints;
    if (name) list = list.filter(e => e.Name === name);
    if (search) list = list.filter(e => e.Name.toLowerCase().includes(search));
    const start = Number(req.query.start ?? 0) || 0;
    const limit = Number(req.query.limit ?? 0) || 0;
    const page =
      limit > 0 ? list.slice(start, start + limit) : list.slice(start);
    return {
      status: 200,
      body: page.map(e => renderEndpoint(e, false)),
      headers: {
        'X-Total-Count': String(list.length),
        'X-Total-Available': String(this.state.endpoints.length),
      },
    };
  }

  private findEndpoint(id: string): PtEndpoint | Reply {
    if (!/^\d+$/.test(id)) {
      return perr(
        400,
        'Invalid environment identifier route variable',
        `strconv.Atoi: parsing "${id}": invalid syntax`,
      );
    }
    const e = this.state.endpoints.find(x => x.Id === Number(id));
    if (!e) {
      return perr(
        404,
        'Unable to find an environment with the specified identifier inside the database',
        'object not found inside the database',
      );
    }
    return e;
  }

  private withEndpoint(
    req: express.Request,
    fn: (e: PtEndpoint) => Reply,
  ): Reply {
    const e = this.findEndpoint(req.params.id);
    return isReply(e) ? e : fn(e);
  }

  private withTeam(
    req: express.Request,
    fn: (t: PortainerState['teams'][number]) => Reply,
  ): Reply {
    if (!/^\d+$/.test(req.params.id)) {
      return perr(
        400,
        'Invalid team identifier route variable',
        `strconv.Atoi: parsing "${req.params.id}": invalid syntax`,
      );
    }
    const t = this.state.teams.find(x => x.Id === Number(req.params.id));
    if (!t)
      return perr(
        404,
        'Unable to find a team with the specified identifier inside the database',
        'object not found inside the database',
      );
    return fn(t);
  }

  private withRegistry(
    req: express.Request,
    fn: (r: PtRegistry) => Reply,
  ): Reply {
    if (!/^\d+$/.test(req.params.id)) {
      return perr(
        400,
        'Invalid registry identifier route variable',
        `strconv.Atoi: parsing "${req.params.id}": invalid syntax`,
      );
    }
    const r = this.state.registries.find(x => x.Id === Number(req.params.id));
    if (!r)
      return perr(
        404,
        'Unable to find a registry with the specified identifier inside the database',
        'object not found inside the database',
      );
    return fn(r);
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
    await this.handle(op, res, async () => {
      const refused = this.check.checkForm(req, Object.keys(form));
      if (refused) return refused;
      const name = form.Name ?? '';
      if (name === '')
        return perr(400, 'Invalid request payload', 'invalid environment name');
      const type = Number(form.EndpointCreationType);
      if (!Number.isInteger(type) || type < 1 || type > 5) {
        return perr(
          400,
          'Invalid request payload',
          'invalid environment type value. Value must be one of: 1 (Docker environment), 2 (Agent environment), 3 (Azure environment), 4 (Edge Agent environment) or 5 (Local Kubernetes environment)',
        );
      }
      let tagIds: number[] = [];
      if (form.TagIds !== undefined && form.TagIds !== '') {
        try {
          tagIds = JSON.parse(form.TagIds);
          if (!Array.isArray(tagIds) || !tagIds.every(t => Number.isInteger(t)))
            throw new Error();
        } catch {
          return perr(
            400,
            'Invalid request payload',
            'invalid TagIds parameter',
          );
        }
      }
      const tls = form.TLS === 'true' || form.TLS === '1';
      const skipVerify =
        form.TLSSkipVerify === 'true' || form.TLSSkipVerify === '1';
      const skipClient =
        form.TLSSkipClientVerify === 'true' || form.TLSSkipClientVerify === '1';
      if (tls && !skipVerify) {
        return perr(
          400,
          'Invalid request payload',
          'invalid CA certificate file. Ensure that the file is uploaded correctly',
        );
      }
      if (tls && !skipClient) {
        return perr(
          400,
          'Invalid request payload',
          'invalid certificate file. Ensure that the file is uploaded correctly',
        );
      }
      if (type !== 2) {
        return perr(
          500,
          'Unable to create environment',
          'only agent environments (EndpointCreationType=2) are simulated',
        );
      }
      const url = form.URL ?? '';
      if (this.state.endpoints.some(e => e.Name === name))
        return perr(409, 'Name is not unique');
      if (!agentBaseUrl(url)) {
        return perr(
          500,
          'Unable to get environment type',
          `parse "${url}/ping": invalid URL`,
        );
      }
      let version: string;
      try {
        version = await pingAgent(url);
      } catch (e) {
        return perr(
          500,
          'Unable to get environment type',
          (e as Error).message,
        );
      }
      // Checked again: another create may have won while the ping was in flight.
      if (this.state.endpoints.some(e => e.Name === name))
        return perr(409, 'Name is not unique');
      const unknownTag = tagIds.find(
        t => !this.state.tags.some(tag => tag.ID === t),
      );
      if (unknownTag !== undefined) {
        return perr(
          500,
          'An error occurred while trying to create the environment',
          'object not found inside the database',
        );
      }
      const groupId = Number(form.GroupID) || 1;
      const endpoint: PtEndpoint = {
        Id: this.nextId('endpoint'),
        Name: name,
        Type: 2,
        URL: url,
        GroupId: groupId,
        PublicURL: form.PublicURL ?? '',
        TLS: tls,
        TLSSkipVerify: skipVerify,
        TagIds: tagIds,
        TeamAccessPolicies: {},
        UserAccessPolicies: {},
        AgentVersion: version,
        Status: 1,
        Snapshots: [],
      };
      this.state.endpoints.push(endpoint);
      // Portainer snapshots a new environment before it answers
      await this.snapshot(endpoint);
      return { status: 200, body: renderEndpoint(endpoint) };
    });
  }

  private updateEndpoint(req: express.Request): Reply {
    return this.withEndpoint(req, e => {
      const body = parseJson(req);
      if (isReply(body)) return body;
      const name = field(body, 'name');
      if (typeof name === 'string' && name !== '' && name !== e.Name) {
        if (this.state.endpoints.some(x => x.Name === name && x.Id !== e.Id))
          return perr(409, 'Name is not unique');
      }
      let team: PtAccessPolicies | undefined;
      let user: PtAccessPolicies | undefined;
      const tap = field(body, 'teamAccessPolicies');
      if (tap !== undefined) {
        const p = policies(tap);
        if (isReply(p)) return p;
        team = p;
      }
      const uap = field(body, 'userAccessPolicies');
      if (uap !== undefined) {
        const p = policies(uap);
        if (isReply(p)) return p;
        user = p;
      }
      const tagIds = field(body, 'tagIDs');
      if (tagIds !== undefined && tagIds !== null) {
        if (!Array.isArray(tagIds) || !tagIds.every(t => Number.isInteger(t)))
          return perr(
            400,
            'Invalid request payload',
            'json: cannot unmarshal into Go struct field endpointUpdatePayload.tagIDs of type []portainer.TagID',
          );
        if (tagIds.some(t => !this.state.tags.some(tag => tag.ID === t)))
          return perr(
            500,
            'Unable to find a tag inside the database',
            'object not found inside the database',
          );
        e.TagIds = tagIds as number[];
      }
      if (typeof name === 'string' && name !== '') e.Name = name;
      // an agent that moved (a CT's new DHCP lease): the Docker proxy follows the new URL
      const url = field(body, 'url');
      if (typeof url === 'string' && url !== '') e.URL = url;
      const publicUrl = field(body, 'publicURL');
      if (typeof publicUrl === 'string') e.PublicURL = publicUrl;
      const groupId = field(body, 'groupID');
      if (typeof groupId === 'number') e.GroupId = groupId;
      // The whole map is replaced (endpoint_update.go): callers must read, merge and write.
      if (team) e.TeamAccessPolicies = team;
      if (user) e.UserAccessPolicies = user;
      return { status: 200, body: renderEndpoint(e) };
    });
  }

  private registryAccess(req: express.Request): Reply {
    if (!/^\d+$/.test(req.params.registryId)) {
      return perr(
        400,
        'Invalid registry identifier route variable',
        `strconv.Atoi: parsing "${req.params.registryId}": invalid syntax`,
      );
    }
    return this.withEndpoint(req, e => {
      const reg = this.state.registries.find(
        r => r.Id === Number(req.params.registryId),
      );
      if (!reg) {
        return perr(
          404,
          'Unable to find an environment with the specified identifier inside the database',
          'object not found inside the database',
        );
      }
      const body = parseJson(req);
      if (isReply(body)) return body;
      const team = policies(field(body, 'TeamAccessPolicies') ?? null);
      if (isReply(team)) return team;
      const user = policies(field(body, 'UserAccessPolicies') ?? null);
      if (isReply(user)) return user;
      reg.RegistryAccesses[String(e.Id)] = {
        UserAccessPolicies: user,
        TeamAccessPolicies: team,
        Namespaces: null,
      };
      return { status: 204 };
    });
  }

  private createTeam(req: express.Request): Reply {
    const body = parseJson(req);
    if (isReply(body)) return body;
    const name = field(body, 'name');
    if (typeof name !== 'string' || name.length === 0) {
      return perr(400, 'Invalid request payload', 'Invalid team name');
    }
    if (this.state.teams.some(t => t.Name === name)) {
      return perr(
        409,
        'A team with the same name already exists',
        'Team already exists',
      );
    }
    const team = { Id: this.nextId('team'), Name: name };
    this.state.teams.push(team);
    const leaders = field(body, 'teamLeaders');
    if (Array.isArray(leaders)) {
      for (const userId of leaders) {
        if (typeof userId === 'number') {
          this.state.memberships.push({
            Id: this.nextId('membership'),
            UserID: userId,
            TeamID: team.Id,
            Role: 1,
          });
        }
      }
    }
    return { status: 200, body: team };
  }

  private createMembership(req: express.Request): Reply {
    const body = parseJson(req);
    if (isReply(body)) return body;
    const userId = field(body, 'userID');
    const teamId = field(body, 'teamID');
    const role = field(body, 'role');
    if (!userId) return perr(400, 'Invalid request payload', 'Invalid UserID');
    if (!teamId) return perr(400, 'Invalid request payload', 'Invalid TeamID');
    if (role !== 1 && role !== 2) {
      return perr(
        400,
        'Invalid request payload',
        'Invalid role value. Value must be one of: 1 (leader) or 2 (member)',
      );
    }
    if (typeof userId !== 'number' || typeof teamId !== 'number') {
      return perr(
        400,
        'Invalid request payload',
        'json: cannot unmarshal string into Go struct field of type int',
      );
    }
    if (
      this.state.memberships.some(
        m => m.UserID === userId && m.TeamID === teamId,
      )
    ) {
      return perr(
        409,
        'Team membership already registered',
        'Team membership already exists for this user and team',
      );
    }
    const m = {
      Id: this.nextId('membership'),
      UserID: userId,
      TeamID: teamId,
      Role: role,
    };
    this.state.memberships.push(m);
    return { status: 200, body: m };
  }

  private createRegistry(req: express.Request): Reply {
    const body = parseJson(req);
    if (isReply(body)) return body;
    const name = field(body, 'name');
    const url = field(body, 'url');
    const type = field(body, 'type');
    const auth = field(body, 'authentication') === true;
    const username = field(body, 'username');
    const password = field(body, 'password');
    if (typeof name !== 'string' || name === '')
      return perr(400, 'Invalid request payload', 'invalid registry name');
    if (typeof url !== 'string' || url === '')
      return perr(400, 'Invalid request payload', 'invalid registry URL');
    if (
      auth &&
      (typeof username !== 'string' ||
        !username ||
        typeof password !== 'string' ||
        !password)
    ) {
      return perr(
        400,
        'Invalid request payload',
        'invalid credentials. Username and password must be specified when authentication is enabled',
      );
    }
    if (typeof type !== 'number' || type < 1 || type > 7) {
      return perr(
        400,
        'Invalid request payload',
        'invalid registry type. Valid values are: 1 (Quay.io), 2 (Azure container registry), 3 (custom registry), 4 (Gitlab registry), 5 (ProGet registry), 6 (DockerHub), 7 (ECR)',
      );
    }
    const reg: PtRegistry = {
      Id: 0,
      Type: type,
      Name: name,
      URL: url,
      BaseURL: '',
      Authentication: auth,
      Username: auth ? (username as string) : '',
      Password: auth ? (password as string) : '',
      RegistryAccesses: {},
    };
    for (const r of this.state.registries) {
      if (r.Name === reg.Name) {
        return perr(
          409,
          'Another registry with the same name already exists',
          'a registry is already defined with this name',
        );
      }
      if (
        r.URL === reg.URL &&
        r.Authentication === reg.Authentication &&
        (!reg.Authentication ||
          (r.Username === reg.Username && r.Password === reg.Password))
      ) {
        return perr(
          409,
          'Another registry with the same URL and credentials already exists',
          'a registry is already defined for this URL and credentials',
        );
      }
    }
    reg.Id = this.nextId('registry');
    this.state.registries.push(reg);
    return { status: 200, body: renderRegistry(reg) };
  }

  private async docker(req: express.Request, res: express.Response) {
    const op = 'portainer.docker';
    const fault = this.control.enter(op);
    await this.control.delay(op);
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'fail') {
      send(
        res,
        {
          status: fault.status,
          body: fault.body ?? { message: fault.reason ?? 'Injected failure' },
        },
        fault.reason,
      );
      return;
    }
    const m = /^\/api\/endpoints\/([^/]+)\/docker(\/[^?]*)?(\?.*)?$/.exec(
      req.originalUrl,
    )!;
    if (!/^\d+$/.test(m[1])) {
      send(
        res,
        perr(
          400,
          'Invalid environment identifier route variable',
          `strconv.Atoi: parsing "${m[1]}": invalid syntax`,
        ),
      );
      return;
    }
    const e = this.state.endpoints.find(x => x.Id === Number(m[1]));
    if (!e) {
      send(
        res,
        perr(
          404,
          'Unable to find an environment with the specified identifier inside the database',
          'object not found inside the database',
        ),
      );
      return;
    }
    forwardToAgent(e.URL, `${m[2] ?? '/'}${m[3] ?? ''}`, req, res);
  }
}

/** Reads a multipart/form-data (or urlencoded) body into its text fields. */
function readForm(req: express.Request): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fieldSize: 1024 * 1024, files: 3 },
      });
    } catch (e) {
      reject(e);
      return;
    }
    bb.on('field', (name, value) => {
      if (!(name in fields)) fields[name] = value;
    });
    bb.on('file', (_name, stream) => stream.resume());
    bb.on('close', () => resolve(fields));
    bb.on('error', reject);
    req.pipe(bb);
  });
}
