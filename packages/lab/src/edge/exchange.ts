import http from 'node:http';

/** One request on its way through a router's middlewares to a service. */
export interface EdgeExchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** Path as it will be forwarded (percent-encoded); middlewares may rewrite it. */
  path: string;
  /** Query string with its `?`, or empty. */
  search: string;
  /** Headers to send upstream (lower-case names); middlewares may change them. */
  headers: http.OutgoingHttpHeaders;
  /** Run over the upstream response headers before they go to the client. */
  onResponseHeaders: Array<(headers: http.OutgoingHttpHeaders) => void>;
  /** Scheme of the entry point the request came in on. */
  scheme: 'http' | 'https';
  clientIp: string;
}

/** A step of the request pipeline: a middleware or a service. */
export type Handler = (exchange: EdgeExchange) => void;

/** Answers with Traefik's plain-text error body (`http.Error` in Go). */
export function sendError(
  res: http.ServerResponse,
  status: number,
  text?: string,
) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${text ?? http.STATUS_CODES[status] ?? 'Error'}\n`;
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Traefik's answer when no router matches: Go's `http.NotFound`. */
export function sendNotFound(res: http.ServerResponse) {
  sendError(res, 404, '404 page not found');
}
