import express from 'express';
import { LabControl } from '../core/LabControl';
import { ClosableServer } from '../core/ClosableServer';
import { NetBoxState, NbNamed } from './model';
import { NetBoxSerializer } from './serializer';
import { buildResources, Resource } from './resources';
import { escapeHtml, isObj, parseBody, send } from './http';
import {
  contractRefusal,
  netboxRequestCheck,
  withContractErrors,
} from './requestCheck';
import type { ContractDrift, UnknownInputPolicy } from '../contracts';

/** A v2 token (`nbt_<key>.<token>`, sent as `Bearer ...`) accepted by default. */
export const NETBOX_LAB_TOKEN_V2 =
  'nbt_labk3y0000001.0123456789abcdef0123456789abcdef01234567';
/** A v1 token (sent as `Token ...`) accepted by default. */
export const NETBOX_LAB_TOKEN_V1 = '0123456789abcdef0123456789abcdef01234567';

/**
 * Default latencies in ms, modelled on a small NetBox 4.5 instance (Django + PostgreSQL):
 * reads 30-45 ms, writes 60-80 ms. Operation names are `netbox.<kind>.<list|get|create|update|delete>`
 * with kind one of clusterType, cluster, customField, tag, vm, interface, ipAddress; plus `netbox.status`.
 */
export const NETBOX_DEFAULT_LATENCIES: Record<string, number> = (() => {
  const out: Record<string, number> = { 'netbox.status': 30 };
  for (const kind of [
    'clusterType',
    'cluster',
    'customField',
    'tag',
    'vm',
    'interface',
    'ipAddress',
  ]) {
    out[`netbox.${kind}.list`] = 45;
    out[`netbox.${kind}.get`] = 30;
    out[`netbox.${kind}.create`] = 80;
    out[`netbox.${kind}.update`] = 70;
    out[`netbox.${kind}.delete`] = 60;
  }
  return out;
})();

/** Options of {@link NetBoxSimulator.start}. */
export interface NetBoxSimulatorOptions {
  /** Multiplier for every latency; 0 makes the simulator instant. Default 1. */
  latencyScale?: number;
  /** Accepted tokens: v2 tokens start with `nbt_` (Bearer), others are v1 (Token). Default both lab tokens. */
  tokens?: string[];
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Serve HTTPS with this key and certificate (the lab's TLS mode); default plain HTTP. */
  tls?: { key: string; cert: string };
  /** Tenants that exist (NetBox tenancy objects, read only here). Default one: `platform`. */
  tenants?: Array<{ name: string; slug: string }>;
  /** Device roles usable by VMs. Default one: `docker-host`. */
  roles?: Array<{ name: string; slug: string }>;
  /**
   * Query parameters and body fields outside the NetBox 4.5.3 contract, which NetBox ignores:
   * `reject` (default) answers 400 naming them, `ignore` answers as NetBox. Both record them in
   * {@link NetBoxSimulator.contractDrift}.
   */
  unknownInput?: UnknownInputPolicy;
}

const PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/**
 * A loopback NetBox 4.5 REST API for the objects the platform manages: cluster types, clusters,
 * custom fields, tags, virtual machines, VM interfaces, IP addresses, and `/api/status/`.
 * Same paths, payloads, status codes and error bodies as NetBox, checked against the OpenAPI contract.
 */
export class NetBoxSimulator {
  readonly state: NetBoxState;
  /** Every API request seen (method and path with query), for "nothing was sent" assertions. */
  readonly requests: Array<{ method: string; path: string }> = [];
  /** Requests that strayed from the contract (unknown query parameters and body fields). */
  readonly contractDrift: ContractDrift[] = [];

  private constructor(
    readonly url: string,
    readonly control: LabControl,
    private readonly server: ClosableServer,
    state: NetBoxState,
  ) {
    this.state = state;
  }

  /** Starts the simulator on 127.0.0.1. */
  static async start(
    options: NetBoxSimulatorOptions = {},
  ): Promise<NetBoxSimulator> {
    const control = new LabControl(
      NETBOX_DEFAULT_LATENCIES,
      options.latencyScale ?? 1,
    );
    const named = (list: Array<{ name: string; slug: string }>): NbNamed[] =>
      list.map((t, i) => ({ id: i + 1, name: t.name, slug: t.slug }));
    const state: NetBoxState = {
      clusterTypes: [],
      clusters: [],
      customFields: [],
      tags: [],
      tenants: named(
        options.tenants ?? [{ name: 'Platform', slug: 'platform' }],
      ),
      roles: named(
        options.roles ?? [{ name: 'Docker host', slug: 'docker-host' }],
      ),
      virtualMachines: [],
      interfaces: [],
      ipAddresses: [],
      nextId: {},
    };
    const tokens = options.tokens ?? [NETBOX_LAB_TOKEN_V2, NETBOX_LAB_TOKEN_V1];
    const app = express();
    const server = await ClosableServer.listen(
      app,
      '127.0.0.1',
      options.port ?? 0,
      { tls: options.tls },
    );
    const { port } = server;
    const sim = new NetBoxSimulator(
      `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
      control,
      server,
      state,
    );
    sim.mount(app, tokens, options.unknownInput ?? 'reject');
    return sim;
  }

  /** Stops listening and closes open connections. */
  async stop(): Promise<void> {
    await this.server.close();
  }

  private mount(
    app: express.Express,
    tokens: string[],
    unknownInput: UnknownInputPolicy,
  ) {
    app.disable('x-powered-by');
    app.set('etag', false);
    app.get('/_lab/state', (_req, res) => {
      res.json(this.state);
    });
    app.use('/_lab', this.control.router());
    app.use('/api', express.raw({ type: () => true, limit: '5mb' }));
    app.use('/api', (req, res, next) => {
      this.requests.push({ method: req.method, path: req.originalUrl });
      const denied = authenticate(req.headers.authorization, tokens);
      if (denied) {
        send(res, 403, { detail: denied });
        return;
      }
      next();
    });
    app.use('/api', netboxRequestCheck(unknownInput, this.contractDrift));
    app.get('/api/status/', (_req, res) => {
      void this.run('netbox.status', res, () => ({
        status: 200,
        body: {
          'django-version': '5.2.8',
          'installed-apps': {
            django_filters: '25.2',
            django_prometheus: '2.4.1',
            django_rq: '3.1',
            django_tables2: '2.7.5',
            drf_spectacular: '0.28.0',
            mptt: '0.18.0',
            rest_framework: '3.16.1',
            taggit: '6.1.0',
            timezone_field: '7.1',
          },
          'netbox-version': '4.5.3',
          'netbox-full-version': '4.5.3',
          plugins: {},
          'python-version': '3.12.3',
          'rq-workers-running': 1,
        },
      }));
    });
    const ser = new NetBoxSerializer(this.url, this.state);
    for (const r of buildResources(this.state, ser)) {
      this.mountResource(app, r);
    }
    app.use('/api', (req, res) => {
      res
        .status(404)
        .type('text/html; charset=utf-8')
        .send(
          `<!DOCTYPE html><html><head><title>Page Not Found</title></head><body><h1>Page Not Found</h1><p>${escapeHtml(
            req.path,
          )}</p></body></html>`,
        );
    });
  }

  /** Applies latency and injected faults, then answers. */
  private async run(
    op: string,
    res: express.Response,
    fn: () => { status: number; body?: unknown },
  ): Promise<void> {
    const fault = this.control.enter(op);
    await this.control.delay(op);
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'fail') {
      send(
        res,
        fault.status,
        fault.body ?? { detail: fault.reason ?? 'Injected failure' },
        fault.reason,
      );
      return;
    }
    const out = fn();
    send(res, out.status, out.body);
  }

  private mountResource(app: express.Express, r: Resource) {
    const base = `/api/${r.path}/`;
    app.all(base, (req, res) => {
      if (req.method === 'GET') {
        void this.run(
          `${r.op}.list`,
          res,
          () => contractRefusal(res) ?? this.list(r, req),
        );
        return;
      }
      if (req.method === 'POST') {
        void this.run(`${r.op}.create`, res, () => {
          const body = parseBody(req);
          if ('status' in body) return body;
          const out = r.write(body.json, undefined, false);
          if (!isObj(out)) return withContractErrors(res, out);
          const refused = contractRefusal(res);
          if (refused) return refused;
          r.list().push(out);
          return { status: 201, body: r.serialize(out) };
        });
        return;
      }
      notSimulated(req, res);
    });
    app.all(`${base}:id/`, (req, res) => {
      const id = Number(req.params.id);
      const obj = /^\d+$/.test(req.params.id)
        ? r.list().find(o => o.id === id)
        : undefined;
      const notFound = {
        status: 404,
        body: { detail: `No ${r.model} matches the given query.` },
      };
      const op = (
        {
          GET: 'get',
          PUT: 'update',
          PATCH: 'update',
          DELETE: 'delete',
        } as Record<string, string>
      )[req.method];
      if (!op) {
        notSimulated(req, res);
        return;
      }
      void this.run(`${r.op}.${op}`, res, () => {
        if (!obj) return notFound;
        if (req.method === 'GET' || req.method === 'DELETE') {
          const refused = contractRefusal(res);
          if (refused) return refused;
        }
        if (req.method === 'GET')
          return { status: 200, body: r.serialize(obj) };
        if (req.method === 'DELETE') {
          const conflict = r.remove(obj);
          if (conflict) return { status: 409, body: { detail: conflict } };
          return { status: 204 };
        }
        const body = parseBody(req);
        if ('status' in body) return body;
        const out = r.write(body.json, obj, req.method === 'PATCH');
        if (!isObj(out)) return withContractErrors(res, out);
        const refused = contractRefusal(res);
        if (refused) return refused;
        Object.assign(obj, out);
        return { status: 200, body: r.serialize(obj) };
      });
    });
  }

  private list(
    r: Resource,
    req: express.Request,
  ): { status: number; body: unknown } {
    const q = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    const f = r.filter(q);
    if ('errors' in f) return { status: 400, body: f.errors };
    const errors: Record<string, string[]> = {};
    const limitRaw = q.get('limit');
    const offsetRaw = q.get('offset');
    let limit = PAGE_SIZE;
    if (limitRaw !== null && limitRaw !== '') {
      if (!/^\d+$/.test(limitRaw))
        errors.limit = ['A valid integer is required.'];
      else
        limit =
          Number(limitRaw) === 0
            ? MAX_PAGE_SIZE
            : Math.min(Number(limitRaw), MAX_PAGE_SIZE);
    }
    let offset = 0;
    if (offsetRaw !== null && offsetRaw !== '') {
      if (!/^\d+$/.test(offsetRaw))
        errors.offset = ['A valid integer is required.'];
      else offset = Number(offsetRaw);
    }
    if (Object.keys(errors).length) return { status: 400, body: errors };
    const all = r.list().filter(f.match).sort(r.sort);
    const page = all.slice(offset, offset + limit);
    const link = (o: number) => {
      const p = new URLSearchParams(q);
      p.set('limit', String(limit));
      if (o <= 0) p.delete('offset');
      else p.set('offset', String(o));
      return `${this.url}${req.path}?${p.toString()}`;
    };
    return {
      status: 200,
      body: {
        count: all.length,
        next: offset + limit < all.length ? link(offset + limit) : null,
        previous: offset > 0 ? link(offset - limit) : null,
        results: page.map(o => r.serialize(o)),
      },
    };
  }
}

/** A method the contract allows on the path (the request check answered the others) but the lab lacks. */
function notSimulated(req: express.Request, res: express.Response) {
  send(res, 501, {
    detail: `lab: ${req.method} ${req.path} is in the NetBox contract but not simulated (bulk operations are not)`,
  });
}

/** NetBox 4.5 token auth: returns the 403 detail, or undefined when accepted. */
function authenticate(
  header: string | undefined,
  tokens: string[],
): string | undefined {
  if (!header) return 'Authentication credentials were not provided.';
  const parts = header.trim().split(/\s+/);
  const keyword = parts[0].toLowerCase();
  if (keyword !== 'token' && keyword !== 'bearer') {
    return 'Authentication credentials were not provided.';
  }
  const v2 = keyword === 'bearer';
  if (parts.length !== 2) {
    return v2
      ? 'Invalid authorization header: Must be in the form "Bearer <key>.<token>"'
      : 'Invalid authorization header: Must be in the form "Token <token>"';
  }
  const value = parts[1];
  if (v2) {
    if (!/^nbt_[^.]+\..+$/.test(value) || !tokens.includes(value))
      return 'Invalid v2 token';
    return undefined;
  }
  if (value.startsWith('nbt_') || !tokens.includes(value))
    return 'Invalid v1 token';
  return undefined;
}
