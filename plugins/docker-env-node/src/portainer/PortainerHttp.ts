import { InputError } from '@backstage/errors';
import { UpstreamApiError } from '../errors';
import { callSignal } from '../timing/callSignal';
import { readBoundedText } from '../http/boundedBody';
import { parseJsonBody } from '../http/jsonBody';
import { requireHttpBaseUrl } from '../validation/primitives';

/**
 * Options of {@link PortainerClient}.
 *
 * @public
 */
export interface PortainerClientOptions {
  /** API base, e.g. `https://portainer.example.com:9443/api` (`/api` is appended when missing). */
  baseUrl: string;
  /** API key (`ptr_...`) of an administrator, sent as `X-API-Key`. */
  apiKey: string;
  /** Per-request timeout in ms; default 15000 (environment creation waits for the agent ping). */
  timeoutMs?: number;
  /** Injectable fetch (tests). */
  fetch?: typeof fetch;
}

/**
 * Portainer's REST transport: `X-API-Key`, a timeout and a bounded read per request, failures mapped to
 * {@link UpstreamApiError}s carrying Portainer's `{message, details}`.
 */
export abstract class PortainerHttp {
  private readonly base: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(options: PortainerClientOptions) {
    const trimmed = requireHttpBaseUrl(options.baseUrl, 'baseUrl');
    this.base = trimmed.endsWith('/api') ? trimmed : `${trimmed}/api`;
    if (!options.apiKey || !/^[\x21-\x7e]+$/.test(options.apiKey)) {
      throw new InputError(
        'apiKey: is required and must not contain whitespace',
      );
    }
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 15000;
    this.fetchFn = options.fetch ?? fetch;
  }

  protected async raw(
    method: string,
    path: string,
    body?: BodyInit,
    contentType?: string,
  ): Promise<Response> {
    const operation = `${method} ${path.split('?')[0]}`;
    try {
      return await this.fetchFn(`${this.base}${path}`, {
        method,
        headers: {
          'X-API-Key': this.apiKey,
          Accept: 'application/json',
          ...(contentType ? { 'Content-Type': contentType } : {}),
        },
        body,
        signal: callSignal(AbortSignal.timeout(this.timeoutMs)),
      });
    } catch (e) {
      throw new UpstreamApiError(
        `Portainer ${operation} failed: ${(e as Error).message}`,
        {
          system: 'portainer',
          operation,
          cause: e,
        },
      );
    }
  }

  protected async check(
    res: Response,
    method: string,
    path: string,
  ): Promise<any> {
    const operation = `${method} ${path.split('?')[0]}`;
    let text: string;
    try {
      text = await readBoundedText(res);
    } catch (e) {
      throw new UpstreamApiError(
        `Portainer ${operation} failed: ${(e as Error).message}`,
        { system: 'portainer', status: res.status, operation, cause: e },
      );
    }
    const json = parseJsonBody(text);
    if (!res.ok) {
      const message =
        typeof json?.message === 'string' ? json.message : res.statusText;
      const details =
        typeof json?.details === 'string' ? json.details : undefined;
      throw new UpstreamApiError(
        `Portainer ${operation} failed with ${res.status}: ${message}${
          details && details !== message ? ` (${details})` : ''
        }`,
        { system: 'portainer', status: res.status, reason: message, operation },
      );
    }
    // e.g. an SSO proxy's HTML login page answered 200: never read that as an empty result
    if (json === undefined && text) {
      throw new UpstreamApiError(
        `Portainer ${operation} answered ${res.status} with a body that is not JSON`,
        {
          system: 'portainer',
          status: res.status,
          operation,
        },
      );
    }
    return json;
  }

  protected async request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<any> {
    const res = await this.raw(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      body === undefined ? undefined : 'application/json',
    );
    return this.check(res, method, path);
  }

  /** DELETEs `path`; false when it was already gone (404). */
  protected async deleteIfPresent(path: string): Promise<boolean> {
    try {
      await this.request('DELETE', path);
      return true;
    } catch (e) {
      if (e instanceof UpstreamApiError && e.status === 404) return false;
      throw e;
    }
  }

  /** Finds, else creates; when a concurrent create won (409), takes the winner. */
  protected async findOrCreate<T>(
    find: () => Promise<T | undefined>,
    create: () => Promise<T>,
  ): Promise<T> {
    const found = await find();
    if (found) return found;
    try {
      return await create();
    } catch (e) {
      if (e instanceof UpstreamApiError && e.status === 409) {
        const winner = await find();
        if (winner) return winner;
      }
      throw e;
    }
  }
}
