import http from 'node:http';
import os from 'node:os';
import { EdgeExchange } from './exchange';

/** Headers that describe one connection, not the message; never forwarded (RFC 9110 7.6.1). */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

/** Removes hop-by-hop headers, including the ones the Connection header names. */
export function stripHopByHop(headers: http.OutgoingHttpHeaders) {
  const listed = String(headers.connection ?? '')
    .split(',')
    .map(v => v.trim().toLowerCase())
    .filter(Boolean);
  const te = String(headers.te ?? '');
  for (const name of [...HOP_BY_HOP, ...listed]) delete headers[name];
  // Go's reverse proxy keeps `TE: trailers`
  if (/(^|,)\s*trailers\s*(,|$)/i.test(te)) headers.te = 'trailers';
}

const SERVER_NAME = os.hostname();

/**
 * The headers a request leaves the entry point with: the client's, minus hop-by-hop ones and
 * minus any `X-Forwarded-*` it sent (Traefik trusts no forwarded headers by default), plus the
 * `X-Forwarded-*` and `X-Real-Ip` Traefik sets.
 */
export function forwardedHeaders(
  req: http.IncomingMessage,
  scheme: 'http' | 'https',
  clientIp: string,
  host: string = req.headers.host ?? '',
): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = { ...req.headers };
  stripHopByHop(headers);
  delete headers.expect;
  for (const name of Object.keys(headers)) {
    if (name.startsWith('x-forwarded-') || name === 'x-real-ip')
      delete headers[name];
  }
  const port = /:(\d+)$/.exec(host)?.[1] ?? (scheme === 'https' ? '443' : '80');
  headers['x-forwarded-for'] = clientIp;
  headers['x-forwarded-host'] = host;
  headers['x-forwarded-port'] = port;
  headers['x-forwarded-proto'] = scheme;
  headers['x-forwarded-server'] = SERVER_NAME;
  headers['x-real-ip'] = clientIp;
  return headers;
}

/** Timeouts of the connection to a server (Traefik's serversTransport). */
export interface ProxyTimeouts {
  /** Connecting to the server; exceeding it answers 504 (Traefik: dialTimeout, default 30 s). */
  dialTimeoutMs: number;
  /** From the request sent to the response headers (0 = none); exceeding it answers 504. */
  responseHeaderTimeoutMs: number;
}

class TimeoutError extends Error {}

/** Go's proxy error body is the bare status text. */
function proxyError(res: http.ServerResponse, status: number) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = http.STATUS_CODES[status] ?? '';
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Forwards the exchange to one server and streams both bodies. Answers as Traefik does when the
 * server cannot be used: 502 (refused, reset, bad response), 504 (timeout).
 */
export function forward(
  x: EdgeExchange,
  server: URL,
  options: {
    passHostHeader: boolean;
    agent: http.Agent;
    timeouts: ProxyTimeouts;
    /** Told whether the server answered (for passive observers such as tests). */
    onResult?: (ok: boolean) => void;
  },
) {
  const headers = { ...x.headers };
  if (!options.passHostHeader) headers.host = server.host;
  const upstream = http.request({
    protocol: server.protocol,
    host: server.hostname,
    port: server.port || 80,
    method: x.req.method,
    path: `${x.path}${x.search}`,
    headers,
    agent: options.agent,
  });
  let answered = false;
  let headerTimer: NodeJS.Timeout | undefined;
  const fail = (error: Error) => {
    if (answered) {
      x.res.destroy();
      return;
    }
    answered = true;
    clearTimeout(headerTimer);
    options.onResult?.(false);
    proxyError(x.res, error instanceof TimeoutError ? 504 : 502);
  };
  // like Go's ResponseHeaderTimeout: counted once the request (with its body) is sent
  upstream.on('finish', () => {
    if (answered || options.timeouts.responseHeaderTimeoutMs <= 0) return;
    headerTimer = setTimeout(() => {
      upstream.destroy(new TimeoutError('response header timeout'));
    }, options.timeouts.responseHeaderTimeoutMs);
  });
  upstream.on('socket', socket => {
    if (!socket.connecting) return;
    const dialTimer = setTimeout(
      () => upstream.destroy(new TimeoutError('dial timeout')),
      options.timeouts.dialTimeoutMs,
    );
    socket.once('connect', () => clearTimeout(dialTimer));
    socket.once('close', () => clearTimeout(dialTimer));
  });
  upstream.on('error', fail);
  upstream.on('response', response => {
    answered = true;
    clearTimeout(headerTimer);
    options.onResult?.(true);
    const out: http.OutgoingHttpHeaders = { ...response.headers };
    stripHopByHop(out);
    for (const hook of x.onResponseHeaders) hook(out);
    x.res.writeHead(response.statusCode ?? 502, response.statusMessage, out);
    response.pipe(x.res);
    response.on('error', () => x.res.destroy());
  });
  // the client went away before the answer was complete: stop the upstream request too
  x.res.on('close', () => {
    if (!x.res.writableFinished) upstream.destroy();
  });
  x.req.pipe(upstream);
}
