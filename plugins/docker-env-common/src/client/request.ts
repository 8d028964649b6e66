import { ResponseError, ServiceUnavailableError } from '@backstage/errors';
import type {
  DockerEnvRoute,
  RouteBody,
  RouteParams,
  RouteQuery,
  RouteResponse,
} from '../api/spec/types';

/**
 * How {@link DockerEnvApiClient} reaches the backend: all injectable, so the browser, backends and scripts share it.
 *
 * @public
 */
export interface DockerEnvClientOptions {
  /** Where the plugin answers: Backstage's discovery (`getBaseUrl('docker-env')`), or `{getBaseUrl: async () => url}`. */
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  /** The fetch to call through: the frontend's `fetchApi` (it adds the user's token); the global fetch by default. */
  fetchApi?: { fetch: typeof fetch };
  /** A bearer token per call (backend callers: a plugin request token); none when it answers undefined. */
  getToken?: () => Promise<string | undefined>;
  /** Per call; default 30 s. */
  timeoutMs?: number;
  /** Largest body read per answer; default 16 MiB. */
  maxResponseBytes?: number;
}

/**
 * What one call sends besides its route.
 *
 * @public
 */
export interface RouteCall<R extends DockerEnvRoute> {
  params?: RouteParams<R>;
  query?: RouteQuery<R>;
  body?: RouteBody<R>;
  headers?: Record<string, string>;
  /** The caller's own cancellation, on top of the timeout. */
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** Reads a body, refusing one larger than `maxBytes` (declared or streamed). */
async function readBounded(response: Response, maxBytes: number) {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    throw new Error(`answer of ${declared} bytes exceeds ${maxBytes} bytes`);
  }
  if (!response.body?.getReader) {
    const text = await response.text();
    if (text.length > maxBytes) {
      throw new Error(`answer exceeds ${maxBytes} bytes`);
    }
    return text;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`answer exceeds ${maxBytes} bytes`);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

function signalFor(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([timeout, signal]) : timeout;
}

/**
 * Sends one call of a spec route and answers its success body; any other status throws `ResponseError` (its `cause`
 * is the backend's error: `InputError`, `NotAllowedError`, ...). A call that gets no answer (refused, timed out)
 * throws `ServiceUnavailableError` naming the route; the caller's own abort is passed on as is.
 */
export async function callRoute<R extends DockerEnvRoute>(
  options: DockerEnvClientOptions,
  route: R,
  call: NoInfer<RouteCall<R>> = {},
): Promise<RouteResponse<R>> {
  const [method, template] = route.split(' ');
  const params = (call.params ?? {}) as Record<string, string>;
  const path = template.replace(/\{(\w+)\}/g, (_, key) =>
    encodeURIComponent(params[key]),
  );
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(call.query ?? {})) {
    if (value !== undefined && value !== null && value !== '')
      search.set(key, String(value));
  }
  const base = await options.discoveryApi.getBaseUrl('docker-env');
  const url = `${base}${path}${search.size ? `?${search}` : ''}`;
  const token = await options.getToken?.();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let response: Response;
  try {
    response = await (options.fetchApi?.fetch ?? fetch)(url, {
      method,
      headers: {
        Accept: 'application/json',
        ...(call.body !== undefined && { 'Content-Type': 'application/json' }),
        ...(token && { Authorization: `Bearer ${token}` }),
        ...call.headers,
      },
      body: call.body !== undefined ? JSON.stringify(call.body) : undefined,
      signal: signalFor(timeoutMs, call.signal),
    });
  } catch (error) {
    if (call.signal?.aborted) throw error;
    const why =
      (error as Error)?.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : (error as Error)?.message;
    // the reason is in the message already; a cause would repeat it
    throw new ServiceUnavailableError(
      `The docker-env backend did not answer ${method} ${path} (${why})`,
    );
  }
  const text = await readBounded(
    response,
    options.maxResponseBytes ?? DEFAULT_MAX_BYTES,
  );
  if (!response.ok) {
    throw await ResponseError.fromResponse({
      headers: response.headers,
      ok: response.ok,
      redirected: response.redirected,
      status: response.status,
      statusText: response.statusText,
      type: response.type,
      url: response.url,
      text: async () => text,
    });
  }
  if (response.status === 204 || text === '') {
    return undefined as RouteResponse<R>;
  }
  return JSON.parse(text) as RouteResponse<R>;
}
