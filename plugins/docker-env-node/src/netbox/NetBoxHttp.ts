import { InputError } from '@backstage/errors';
import { UpstreamApiError } from '../errors';
import { callSignal } from '../timing/callSignal';
import { readBoundedText } from '../http/boundedBody';
import { parseJsonBody } from '../http/jsonBody';
import { requireHttpBaseUrl } from '../validation/primitives';
import { flattenErrors } from './mapping';

/**
 * Options of {@link NetBoxClient}.
 *
 * @public
 */
export interface NetBoxClientOptions {
  /** Base URL without `/api`, e.g. `https://netbox.example.com`. */
  baseUrl: string;
  /** The API token: `nbt_<key>.<token>` for v2, the 40-character token for v1. */
  token: string;
  /** Token format; default: `v2` when the token starts with `nbt_`, else `v1`. */
  tokenVersion?: 'v1' | 'v2';
  /** Per-request timeout in ms; default 15000. */
  timeoutMs?: number;
  /** Page size used when following `next`; default 100. */
  pageSize?: number;
  /** Upper bound on pages followed by one list call; default 100. */
  maxPages?: number;
  /** Injectable fetch (tests). */
  fetch?: typeof fetch;
}

/** A JSON object as NetBox sends it. */
export type Json = Record<string, any>;

/**
 * NetBox's REST transport: token header, a timeout and a bounded read per request, errors mapped to
 * {@link UpstreamApiError} with NetBox's field errors flattened, lists followed page by page.
 */
export abstract class NetBoxHttp {
  protected readonly base: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly fetchFn: typeof fetch;

  constructor(options: NetBoxClientOptions) {
    this.base = requireHttpBaseUrl(options.baseUrl, 'baseUrl');
    if (!options.token || /\s/.test(options.token)) {
      throw new InputError(
        'token: is required and must not contain whitespace',
      );
    }
    const version =
      options.tokenVersion ?? (options.token.startsWith('nbt_') ? 'v2' : 'v1');
    if (
      version === 'v2' &&
      !/^nbt_[A-Za-z0-9]+\.[A-Za-z0-9]+$/.test(options.token)
    ) {
      throw new InputError(
        'token: a v2 token must look like nbt_<key>.<token>',
      );
    }
    this.authorization =
      version === 'v2' ? `Bearer ${options.token}` : `Token ${options.token}`;
    this.timeoutMs = options.timeoutMs ?? 15000;
    this.pageSize = options.pageSize ?? 100;
    this.maxPages = options.maxPages ?? 100;
    this.fetchFn = options.fetch ?? fetch;
  }

  protected async request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<any> {
    const url = path.startsWith('http') ? path : `${this.base}${path}`;
    const operation = `${method} ${new URL(url).pathname}`;
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method,
        headers: {
          Authorization: this.authorization,
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: callSignal(AbortSignal.timeout(this.timeoutMs)),
      });
    } catch (e) {
      throw new UpstreamApiError(
        `NetBox ${operation} failed: ${(e as Error).message}`,
        {
          system: 'netbox',
          operation,
          cause: e,
        },
      );
    }
    let text: string;
    try {
      text = await readBoundedText(res);
    } catch (e) {
      throw new UpstreamApiError(
        `NetBox ${operation} failed: ${(e as Error).message}`,
        { system: 'netbox', status: res.status, operation, cause: e },
      );
    }
    const json = parseJsonBody(text);
    if (!res.ok) {
      const fieldErrors = flattenErrors(json);
      const detail =
        typeof json?.detail === 'string'
          ? json.detail
          : Object.entries(fieldErrors)
              .map(([k, v]) => `${k}: ${v}`)
              .join('; ') || res.statusText;
      throw new UpstreamApiError(
        `NetBox ${operation} failed with ${res.status}: ${detail}`,
        {
          system: 'netbox',
          status: res.status,
          reason:
            typeof json?.detail === 'string' ? json.detail : res.statusText,
          fieldErrors,
          operation,
        },
      );
    }
    if (json === undefined && text && res.status !== 204) {
      throw new UpstreamApiError(
        `NetBox ${operation} answered with a body that is not JSON`,
        {
          system: 'netbox',
          status: res.status,
          operation,
        },
      );
    }
    return json;
  }

  /**
   * The first object the query finds, else the one POSTed. A 400 on the POST is read again: another
   * caller (a concurrent provisioning) may have made the same shared object (cluster type, tag...)
   * between the look-up and the POST; NetBox refuses the second one as already existing.
   */
  protected async findOrCreate(
    path: string,
    query: Record<string, string | number>,
    body: unknown,
  ): Promise<Json> {
    const found = await this.listAll(path, query);
    if (found[0]) return found[0];
    try {
      return await this.request('POST', path, body);
    } catch (e) {
      if (!(e instanceof UpstreamApiError) || e.status !== 400) throw e;
      const again = await this.listAll(path, query);
      if (again[0]) return again[0];
      throw e;
    }
  }

  /** GETs a list, following `next` until done (bounded by maxPages). */
  protected async listAll(
    path: string,
    query: Record<string, string | number>,
  ): Promise<Json[]> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) params.set(k, String(v));
    params.set('limit', String(this.pageSize));
    let next: string | null = `${this.base}${path}?${params.toString()}`;
    const out: Json[] = [];
    for (let page = 0; next; page++) {
      if (page >= this.maxPages) {
        throw new UpstreamApiError(
          `NetBox GET ${path} returned more than ${this.maxPages} pages`,
          {
            system: 'netbox',
            operation: `GET ${path}`,
          },
        );
      }
      const body: any = await this.request('GET', next);
      out.push(...(body?.results ?? []));
      next = body?.next ? this.sameServer(body.next, path) : null;
    }
    return out;
  }

  /**
   * NetBox builds `next` from the request it saw, so behind a TLS-terminating proxy it often reads
   * `http://` or an internal host name. Keep only its path and query and send them to the configured
   * server (the token never goes anywhere else); refuse a path outside the listed collection.
   */
  private sameServer(next: string, path: string): string {
    let link: URL;
    try {
      link = new URL(next, this.base);
    } catch {
      link = new URL('invalid:');
    }
    const basePath = new URL(this.base).pathname.replace(/\/+$/, '');
    if (link.pathname !== `${basePath}${path}`) {
      throw new UpstreamApiError(
        `NetBox GET ${path} returned a next link outside ${path}`,
        {
          system: 'netbox',
          operation: `GET ${path}`,
        },
      );
    }
    return `${this.base}${path}${link.search}`;
  }
}
