/**
 * The matchers of Traefik's v3 rule syntax (`pkg/muxer/http/matcher.go`), each built from its
 * arguments (refusing them as Traefik does) into a test of a {@link RuleRequest}.
 */
import { compileGoRegexp } from './goRegexp';
import { ipChecker } from './ip';
import { RuleSyntaxError } from './scanner';

/** What the matchers look at in a request, as Traefik's muxer sees it. */
export interface RuleRequest {
  /** Traefik's canonical host: the request's host (the URI's in absolute form) without port or IPv6 brackets, trimmed, lower case. */
  host: string;
  /** Traefik's routing path: the escaped path with only unreserved-by-RFC 3986 escapes decoded. */
  path: string;
  method: string;
  /** Header values by lower-case name, one entry per header line (after Traefik's entry point: X-Forwarded-* set, Host removed). */
  headers: Record<string, string[] | undefined>;
  /** Query values by name, as Go's `url.Values` (`;` separates as `&`). */
  query: Map<string, string[]>;
  /** The client address (the TCP peer), without port. */
  remoteAddr: string;
}

/** A test of a request. */
export type Matcher = (request: RuleRequest) => boolean;

type Builder = (values: string[]) => Matcher;

function expectN(n: number[], build: Builder): Builder {
  return values => {
    if (!n.includes(values.length))
      throw new RuleSyntaxError(
        `unexpected number of parameters; got ${
          values.length
        }, expected one of [${n.join(' ')}]`,
      );
    return build(values);
  };
}

const isAscii = (s: string) => [...s].every(c => c.charCodeAt(0) < 0x80);

function regexp(name: string, expr: string): RegExp {
  try {
    return compileGoRegexp(expr);
  } catch (e) {
    (e as Error).message = `compiling ${name} matcher: ${(e as Error).message}`;
    throw e;
  }
}

/** Go's `muxer.DomainMatchHostExpression`: `*.x` stands for exactly one first label. */
function domainMatch(domain: string, expr: string): boolean {
  if (expr.startsWith('*')) {
    const labels = domain.split('.');
    labels[0] = '*';
    return labels.join('.').toLowerCase() === expr.toLowerCase();
  }
  return domain.toLowerCase() === expr.toLowerCase();
}

/** Go's `http.CanonicalHeaderKey` leaves a name with a non-token byte as is: no header line has it. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function headerValues(r: RuleRequest, key: string): string[] {
  return TOKEN.test(key) ? r.headers[key.toLowerCase()] ?? [] : [];
}

function queryMatcher(values: string[]): Matcher {
  const [key, value = ''] = values;
  return r => r.query.get(key)?.includes(value) ?? false;
}

/** The v3 matchers by declared name (Traefik's `httpFuncs`). */
export const HTTP_MATCHERS: Record<string, Builder> = {
  ClientIP: expectN([1], values => {
    const checker = ipChecker(values);
    return r => checker.contains(r.remoteAddr);
  }),
  Method: expectN([1], ([m]) => {
    const method = m.toUpperCase();
    return r => r.method === method;
  }),
  Host: expectN([1], ([expr]) => {
    if (expr === '*') return () => true;
    if (!isAscii(expr))
      throw new RuleSyntaxError(
        `invalid value ${JSON.stringify(
          expr,
        )} for Host matcher, non-ASCII characters are not allowed`,
      );
    const host = expr.toLowerCase();
    return r => {
      const h = r.host;
      if (h === '') return false;
      if (domainMatch(h, host)) return true;
      if (host.endsWith('.') && domainMatch(h, host.slice(0, -1))) return true;
      return h.endsWith('.') && domainMatch(h.slice(0, -1), host);
    };
  }),
  HostRegexp: expectN([1], ([expr]) => {
    if (!isAscii(expr))
      throw new RuleSyntaxError(
        `invalid value ${JSON.stringify(
          expr,
        )} for HostRegexp matcher, non-ASCII characters are not allowed`,
      );
    const re = regexp('HostRegexp', expr);
    // Traefik also tries the CNAME-flattened host, which is empty without a host resolver
    return r => re.test(r.host) || re.test('');
  }),
  Path: expectN([1], ([path]) => {
    if (!path.startsWith('/'))
      throw new RuleSyntaxError(
        `path ${JSON.stringify(path)} does not start with a '/'`,
      );
    return r => r.path === path;
  }),
  // Traefik names PathRegexp's compile errors "PathPrefix"
  PathRegexp: expectN([1], ([expr]) => {
    const re = regexp('PathPrefix', expr);
    return r => re.test(r.path);
  }),
  PathPrefix: expectN([1], ([path]) => {
    if (!path.startsWith('/'))
      throw new RuleSyntaxError(
        `path ${JSON.stringify(path)} does not start with a '/'`,
      );
    return r => r.path.startsWith(path);
  }),
  Header: expectN(
    [2],
    ([key, value]) =>
      r =>
        headerValues(r, key).includes(value),
  ),
  HeaderRegexp: expectN([2], ([key, expr]) => {
    const re = regexp('HeaderRegexp', expr);
    return r => headerValues(r, key).some(v => re.test(v));
  }),
  Query: expectN([1, 2], queryMatcher),
  QueryRegexp: expectN([1, 2], values => {
    if (values.length === 1) return queryMatcher(values);
    const [key, expr] = values;
    const re = regexp('QueryRegexp', expr);
    return r => r.query.get(key)?.some(v => re.test(v)) ?? false;
  }),
};
