/**
 * What Traefik's matchers see of a request: Go's `net/http` request parsing, then the entry
 * point's handlers that run before the router (`pkg/server/server_entrypoint_tcp.go`:
 * denyFragment, normalizePath, sanitizePath, AllowQuerySemicolons; `forwardedheaders`), the
 * request decorator's canonical host and the muxer's routing path (`pkg/muxer/http/mux.go`).
 */
import type http from 'node:http';
import { RuleRequest } from './matchers';

/** A request Go's server or Traefik's entry point answers with 400 before any router. */
export class BadRequestError extends Error {}

const HEX = '0123456789ABCDEF';
const isHex = (b: number | undefined) =>
  b !== undefined && /[0-9a-fA-F]/.test(String.fromCharCode(b));

/** Go's `shouldEscape(c, encodePath)`. */
function shouldEscapePath(c: number): boolean {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9\-_.~]/.test(ch)) return false;
  return !/[$&+,/:;=@]/.test(ch);
}

/** Go's `url.unescape(s, encodePath)` as bytes; undefined when the encoding is invalid. */
function unescapeBytes(s: Buffer, plusIsSpace = false): number[] | undefined {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === 0x25) {
      if (!isHex(s[i + 1]) || !isHex(s[i + 2])) return undefined;
      out.push(parseInt(s.toString('latin1', i + 1, i + 3), 16));
      i += 2;
    } else out.push(plusIsSpace && s[i] === 0x2b ? 0x20 : s[i]);
  }
  return out;
}

/** Go's `URL.EscapedPath` of a request path as sent (bytes as latin1). */
function escapedPath(raw: Buffer): string {
  const decoded = unescapeBytes(raw);
  if (!decoded) throw new BadRequestError('invalid URL escape');
  // validEncoded: sub-delims, ':', '@', '[', ']', '%' and what shouldEscape leaves alone
  const valid = raw.every(
    c =>
      "!$&'()*+,;=:@[]%".includes(String.fromCharCode(c)) ||
      !shouldEscapePath(c),
  );
  if (valid) return raw.toString('latin1');
  return decoded
    .map(c =>
      shouldEscapePath(c)
        ? `%${HEX[c >> 4]}${HEX[c & 15]}`
        : String.fromCharCode(c),
    )
    .join('');
}

/** Traefik's normalizePath: upper-case escapes, unreserved characters decoded. */
function normalize(path: string): string {
  return path.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${hex.toUpperCase()}`;
  });
}

/** Go's `path.Clean` for a rooted path. */
function cleanRooted(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** Traefik's sanitizePath (`URL.JoinPath()`): `.`, `..` and repeated slashes removed. */
function sanitize(path: string): string {
  const rooted = path.startsWith('/');
  let p = cleanRooted(rooted ? path : `/${path}`);
  if (!rooted) p = p.slice(1);
  if (path.endsWith('/') && !p.endsWith('/')) p += '/';
  return p;
}

const RESERVED = new Set(
  ['%3A', '%2F', '%3F', '%23', '%5B', '%5D', '%40', '%21', '%24', '%26', '%27', '%28', '%29',
    '%2A', '%2B', '%2C', '%3B', '%3D', '%25'],
); // prettier-ignore

/** The muxer's routing path: escapes decoded except reserved characters (upper-case forms only). */
function routingPath(escaped: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < escaped.length; i++) {
    const e = escaped.slice(i, i + 3);
    if (escaped[i] === '%' && !RESERVED.has(e)) {
      bytes.push(parseInt(e.slice(1), 16));
      i += 2;
    } else bytes.push(escaped.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Go's `url.ParseQuery`. */
function parseQuery(raw: string): Map<string, string[]> {
  const query = new Map<string, string[]>();
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const enc = (s: string) => unescapeBytes(Buffer.from(s, 'latin1'), true);
    const key = enc(eq < 0 ? pair : pair.slice(0, eq));
    const value = enc(eq < 0 ? '' : pair.slice(eq + 1));
    if (!key || !value) continue;
    const k = Buffer.from(key).toString('utf8');
    query.set(k, [
      ...(query.get(k) ?? []),
      Buffer.from(value).toString('utf8'),
    ]);
  }
  return query;
}

/** Go's `net.SplitHostPort`; undefined where Go returns an error. */
export function splitHostPort(hostport: string): [string, string] | undefined {
  const i = hostport.lastIndexOf(':');
  if (i < 0) return undefined;
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== i) return undefined;
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return undefined;
  }
  if (hostport.slice(j).includes('[') || hostport.slice(k).includes(']'))
    return undefined;
  return [host, hostport.slice(i + 1)];
}

/** The request decorator's `parseHost`: no port, no IPv6 brackets. */
function parseHost(addr: string): string {
  if (!addr.includes(':')) return addr;
  const split = splitHostPort(addr);
  if (split) return split[0];
  return addr.startsWith('[') && addr.endsWith(']') ? addr.slice(1, -1) : addr;
}

/** Headers Traefik's forwardedheaders drops from an untrusted client (lower case; `_` for `-` too). */
const MANAGED = new Set(
  ['proto', 'for', 'host', 'port', 'server', 'uri', 'method', 'prefix', 'tls-client-cert', 'tls-client-cert-info']
    .map(s => `x-forwarded-${s}`)
    .concat('x-real-ip'),
); // prettier-ignore
const isManaged = (name: string) => MANAGED.has(name.replace(/_/g, '-'));

function hasToken(values: string[] | undefined, token: string) {
  return (values ?? []).some(v =>
    v.split(',').some(t => t.trim().toLowerCase() === token),
  );
}

/** A request as the router sees it, and what the proxy forwards. */
export interface RoutedRequest {
  rule: RuleRequest;
  /** Go's `req.Host`: the URI's authority in absolute form, else the Host header. */
  host: string;
  /** The escaped path after normalization and sanitization (what Traefik forwards). */
  path: string;
  /** `?` and the raw query, or empty. */
  search: string;
}

/**
 * Builds what Traefik's muxer sees of a request; throws {@link BadRequestError} where Go's
 * server or Traefik's entry point answers 400 instead.
 */
export function ruleRequest(
  req: http.IncomingMessage,
  serverName: string,
  remoteAddr: string,
): RoutedRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const target = q < 0 ? url : url.slice(0, q);
  // http.AllowQuerySemicolons: `;` separates parameters, for the router and upstream
  const search = q < 0 ? '' : url.slice(q).replace(/;/g, '&');
  let rawPath = target;
  let uriHost = '';
  if (!target.startsWith('/') && target !== '*') {
    const abs = /^[A-Za-z][A-Za-z0-9+.-]*:(\/\/([^/]*))?(.*)$/s.exec(target);
    if (!abs) throw new BadRequestError('invalid URI for request');
    const authority = abs[2] ?? '';
    uriHost = authority.slice(authority.lastIndexOf('@') + 1);
    rawPath = abs[1] === undefined ? '' : abs[3];
  }
  if (rawPath.includes('#'))
    throw new BadRequestError('fragment in the URL path');
  const headers: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    (headers[name] ??= []).push(req.rawHeaders[i + 1]);
  }
  if ((headers.host?.length ?? 0) > 1)
    throw new BadRequestError('too many Host headers');
  const host = uriHost || (headers.host?.[0] ?? '');
  delete headers.host;
  delete headers['transfer-encoding'];
  for (const name of Object.keys(headers))
    if (isManaged(name)) delete headers[name];
  headers['x-real-ip'] = [remoteAddr.replace(/%.*$/, '')];
  const websocket =
    hasToken(headers.connection?.slice(0, 1), 'upgrade') &&
    hasToken(headers.upgrade?.slice(0, 1), 'websocket');
  headers['x-forwarded-proto'] = [websocket ? 'ws' : 'http'];
  headers['x-forwarded-port'] = [splitHostPort(host)?.[1] || '80'];
  if (host !== '') headers['x-forwarded-host'] = [host];
  headers['x-forwarded-server'] = [serverName];
  const upgrade = hasToken(headers.connection, 'upgrade')
    ? headers.upgrade?.[0]
    : undefined;
  for (const v of headers.connection ?? [])
    for (const t of v.split(',').map(s => s.trim().toLowerCase()))
      if (t && !isManaged(t)) delete headers[t];
  delete headers.connection;
  if (upgrade !== undefined) {
    headers.connection = ['Upgrade'];
    headers.upgrade = [upgrade];
  }
  const path = sanitize(normalize(escapedPath(Buffer.from(rawPath, 'latin1'))));
  return {
    rule: {
      host: parseHost(host).trim().toLowerCase(),
      path: routingPath(path),
      method: req.method ?? 'GET',
      headers,
      query: parseQuery(search.slice(1)),
      remoteAddr,
    },
    host,
    path,
    search,
  };
}
