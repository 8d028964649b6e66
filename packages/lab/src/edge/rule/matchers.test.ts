/**
 * Every matcher Traefik v3.7.9 registers (pkg/muxer/http/matcher.go), with the cases of its
 * matcher_test.go and mux_test.go at that commit (d0bd2ec198533d760c1abfc74b98033d6d92d039), and
 * every way each refuses its arguments.
 */
/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectStatuses", "refuses", "byPeer", "byHeaders"] }] */
import type http from 'node:http';
import { parseRule, RuleSyntaxError, ruleRequest } from '.';

/** A request as Go's httptest.NewRequest(method, target) makes it, seen through the entry point. */
function seen(
  target: string,
  options: { method?: string; headers?: Array<[string, string]>; remoteAddr?: string } = {},
) {
  const raw = (options.headers ?? []).flat();
  const req = { url: target, method: options.method ?? 'GET', rawHeaders: raw };
  return ruleRequest(req as unknown as http.IncomingMessage, 'edge', options.remoteAddr ?? '192.0.2.1').rule;
} // prettier-ignore

/** The status Traefik's muxer answers for each target: 200 when the rule matches, else 404. */
function statuses(rule: string, targets: string[], options: Parameters<typeof seen>[1] = {}) {
  const compiled = parseRule(rule);
  return Object.fromEntries(
    targets.map(t => [t, compiled.matches(seen(t, options)) ? 200 : 404]),
  );
} // prettier-ignore

function expectStatuses(rule: string, expected: Record<string, number>, options?: Parameters<typeof seen>[1]) {
  expect(statuses(rule, Object.keys(expected), options)).toEqual(expected);
} // prettier-ignore

const refuses = (rule: string, reason: string | RegExp) => {
  expect(() => parseRule(rule)).toThrow(RuleSyntaxError);
  expect(() => parseRule(rule)).toThrow(reason);
};

describe('ClientIP', () => {
  it.each([
    ['ClientIP(`1`)', 'invalid CIDR address: 1'],
    ['ClientIP()', 'no args for matcher ClientIP'],
    ['ClientIP(``)', 'empty args for matcher ClientIP'],
    ['ClientIP(`127.0.0.1`, `192.168.1.0/24`)', 'got 2, expected one of [1]'],
    ['ClientIP(`127.0.0.1/33`)', 'invalid CIDR address'],
    ['ClientIP(`010.0.0.1`)', 'invalid CIDR address'],
    ['ClientIP(`fe80::1%eth0`)', 'invalid CIDR address'],
  ])('refuses %s', (rule, reason) => refuses(rule, reason));

  const byPeer = (rule: string, expected: Record<string, boolean>) => {
    const compiled = parseRule(rule);
    for (const [remoteAddr, match] of Object.entries(expected))
      expect([remoteAddr, compiled.matches(seen('/', { remoteAddr }))]).toEqual([remoteAddr, match]);
  }; // prettier-ignore

  it('matches the TCP peer by address or CIDR, never X-Forwarded-For', () => {
    byPeer('ClientIP(`127.0.0.1`)', { '127.0.0.1': true, '192.168.1.1': false, '1': false });
    byPeer('ClientIP(`192.168.1.0/24`)', {
      '192.168.1.1': true, '192.168.1.100': true, '192.168.2.1': false,
    });
    const rule = parseRule('ClientIP(`10.0.0.1`)');
    const spoofed = seen('/', { remoteAddr: '192.0.2.9', headers: [['X-Forwarded-For', '10.0.0.1']] });
    expect(rule.matches(spoofed)).toBe(false);
  }); // prettier-ignore

  it('compares IPv4 with its IPv4-mapped IPv6 form, and IPv6 by value', () => {
    byPeer('ClientIP(`::ffff:127.0.0.1`)', { '127.0.0.1': true });
    byPeer('ClientIP(`127.0.0.1`)', { '::ffff:127.0.0.1': true, '::1': false });
    byPeer('ClientIP(`::ffff:0:0/96`)', { '10.1.2.3': true, '::1': false });
    byPeer('ClientIP(`::1`)', { '::1': true, '0:0:0:0:0:0:0:1': true, '127.0.0.1': false });
    byPeer('ClientIP(`fd00::/8`)', { 'fd12::5': true, 'fe80::1%eth0': false, '10.0.0.1': false });
    byPeer('ClientIP(`fe80::/10`)', { 'fe80::1%eth0': true });
    byPeer('ClientIP(`10.0.0.0/8`)', { '::ffff:10.9.8.7': true, '11.0.0.1': false });
  }); // prettier-ignore
});

describe('Method', () => {
  it.each([
    ['Method()', 'no args for matcher Method'],
    ['Method(``)', 'empty args for matcher Method'],
    ['Method(`GET`, `POST`)', 'got 2, expected one of [1]'],
  ])('refuses %s', (rule, reason) => refuses(rule, reason));

  it('matches the method exactly, the rule upper-cased', () => {
    for (const rule of ['Method(`GET`)', 'Method(`get`)']) {
      const m = parseRule(rule);
      expect(m.matches(seen('/', { method: 'GET' }))).toBe(true);
      expect(m.matches(seen('/', { method: 'POST' }))).toBe(false);
      expect(m.matches(seen('/', { method: 'get' }))).toBe(false);
    }
  });
});

describe('Host', () => {
  it.each([
    ['Host()', 'no args for matcher Host'],
    ['Host(``)', 'empty args for matcher Host'],
    [
      'Host(`🦭.com`)',
      'invalid value "🦭.com" for Host matcher, non-ASCII characters are not allowed',
    ],
    ['Host("\\xff.com")', 'non-ASCII characters are not allowed'],
    ['Host(`example.com`, `example.org`)', 'got 2, expected one of [1]'],
  ])('refuses %s', (rule, reason) => refuses(rule, reason));

  it('matches the host case-insensitively, without the port', () => {
    expectStatuses('Host(`example.com`)', {
      'https://example.com': 200, 'https://example.com:8080': 200, 'https://example.com/path': 200,
      'https://EXAMPLE.COM/path': 200, 'https://example.org': 404, 'https://example.org/path': 404,
    });
    expectStatuses('Host(`EXAMPLE.COM`)', { 'https://example.com': 200, 'https://example.org': 404 });
  }); // prettier-ignore

  it('ignores one trailing dot on either side', () => {
    expectStatuses('Host(`example.com.`)', {
      'https://example.com': 200, 'https://example.com/path': 200, 'https://example.org': 404,
      'https://example.com.': 200, 'https://example.com./path': 200, 'https://example.org.': 404,
    });
    expectStatuses('Host(`example.com`)', {
      'https://example.com.': 200, 'https://example.com./path': 200, 'https://example.org.': 404,
    });
  }); // prettier-ignore

  it('takes punycode, not Unicode hosts', () => {
    expectStatuses('Host(`xn--9t9h.com`)', {
      'https://xn--9t9h.com': 200, 'https://xn--9t9h.com/path': 200, 'https://example.com': 404,
    });
  }); // prettier-ignore

  it('has wildcards in 3.7: *.domain stands for exactly one more label; * for any host', () => {
    expectStatuses('Host(`*.example.com`)', {
      'https://test.example.com': 200, 'https://other.example.com': 200, 'https://TEST.example.com': 200,
      'https://example.com': 404, 'https://test.otherexample.com': 404, 'https://a.b.example.com': 404,
    });
    expectStatuses('Host(`*`)', {
      'https://test.example.com': 200, 'https://example.com': 200, 'https://localhost': 200,
    });
    // even a request without a host
    expect(parseRule('Host(`*`)').matches(seen('http://@/'))).toBe(true);
    expect(parseRule('Host(`*.example.com`)').matches(seen('http://@/'))).toBe(false);
  }); // prettier-ignore

  it('matches IPv4 and IPv6 literal hosts, the latter without brackets', () => {
    expectStatuses('Host(`127.0.0.1`)', { 'http://127.0.0.1': 200, 'http://127.0.0.1:8080/': 200 });
    expectStatuses('Host(`10::10`)', { 'http://[10::10]': 200, 'http://[10::10]:8080/': 200 });
    expectStatuses('Host(`[10::10]`)', { 'http://[10::10]': 404, 'http://[10::10]:8080/': 404 });
  }); // prettier-ignore

  it('never matches an empty host', () => {
    expect(parseRule('Host(`a`)').matches(seen('/'))).toBe(false);
  });
});

describe('HostRegexp', () => {
  it.each([
    ['HostRegexp()', 'no args for matcher HostRegexp'],
    ['HostRegexp(``)', 'empty args for matcher HostRegexp'],
    ['HostRegexp(`🦭.com`)', 'invalid value "🦭.com" for HostRegexp matcher'],
    [
      'HostRegexp(`(example.com`)',
      'compiling HostRegexp matcher: error parsing regexp',
    ],
    ['HostRegexp(`example.com`, `example.org`)', 'got 2, expected one of [1]'],
  ])('refuses %s', (rule, reason) => refuses(rule, reason));

  it('matches the lower-cased host, case-sensitively unless (?i)', () => {
    expectStatuses('HostRegexp(`^[a-zA-Z-]+\\.com$`)', {
      'https://example.com': 200, 'https://example.com:8080': 200, 'https://example.com/path': 200,
      'https://example.org': 404, 'https://example.org/path': 404,
    });
    expectStatuses('HostRegexp(`^[A-Z]+\\.com$`)', { 'https://example.com': 404, 'https://EXAMPLE.com': 404 });
    expectStatuses('HostRegexp(`(?i)^[A-Z]+\\.com$`)', { 'https://example.com': 200 });
  }); // prettier-ignore

  it('has no v2 {name:regexp} templates in v3', () => {
    expectStatuses('HostRegexp(`{domain:[a-zA-Z-]+\\.com}`)', {
      'https://example.com': 404, 'https://example.org': 404,
    });
  }); // prettier-ignore

  it('matches every request when the regexp matches the empty string (the CNAME-flattened host is empty)', () => {
    expectStatuses('HostRegexp(`^$`)', { 'https://example.com': 200 });
    expectStatuses('HostRegexp(`.*`)', { 'https://example.com': 200 });
  }); // prettier-ignore
});

describe('Path', () => {
  it.each([
    ['Path()', 'no args for matcher Path'],
    ['Path(``)', 'empty args for matcher Path'],
    ['Path(`css`)', `path "css" does not start with a '/'`],
    ['Path(`/css`, `/js`)', 'got 2, expected one of [1]'],
  ])('refuses %s', (rule, reason) => refuses(rule, reason));

  it('matches the routing path exactly', () => {
    expectStatuses('Path(`/css`)', {
      'https://example.com': 404, 'https://example.com/html': 404, 'https://example.org/css': 200,
      'https://example.com/css': 200, 'https://example.com/css/': 404, 'https://example.com/css/main.css': 404,
    });
  }); // prettier-ignore

  it('sees unreserved escapes decoded and reserved ones kept (upper-cased)', () => {
    expectStatuses('Path(`/foo bar`)', { 'http://a/foo%20bar': 200 });
    expectStatuses('Path(`/foo%2Fbar`)', { 'http://a/foo%2Fbar': 200, 'http://a/foo%2fbar': 200, 'http://a/foo/bar': 404 });
    expectStatuses('Path(`/foo bar%2Fbaz%23qux`)', { 'http://a/foo%20bar%2Fbaz%23qux': 200 });
    expectStatuses('Path(`/é`)', { 'http://a/%C3%A9': 200 });
  }); // prettier-ignore

  it('sees the path sanitized (., .. and repeated slashes)', () => {
    expectStatuses('Path(`/b/c`)', { 'http://a/x/../b/./c': 200, 'http://a//b//c': 200, 'http://a/b%2F..%2Fc': 404 });
    expectStatuses('Path(`/b/`)', { 'http://a/b/c/../': 200 });
  }); // prettier-ignore
});

describe('PathRegexp', () => {
  it.each([
    ['PathRegexp()', 'no args for matcher PathRegexp'],
    ['PathRegexp(``)', 'empty args for matcher PathRegexp'],
    // Traefik names this matcher PathPrefix in the error
    [
      'PathRegexp(`/(css`)',
      'compiling PathPrefix matcher: error parsing regexp',
    ],
    ['PathRegexp(`/css`, `/js`)', 'got 2, expected one of [1]'],
  ])('refuses %s', (rule, reason) => refuses(rule, reason));

  it('matches anywhere in the routing path unless anchored', () => {
    expectStatuses('PathRegexp(`^/(css|js)`)', {
      'https://example.com': 404, 'https://example.com/html': 404, 'https://example.org/css': 200,
      'https://example.com/CSS': 404, 'https://example.com/css': 200, 'https://example.com/css/': 200,
      'https://example.com/css/main.css': 200, 'https://example.com/js': 200, 'https://example.com/js/main.js': 200,
    });
    expectStatuses('PathRegexp(`css`)', { 'https://example.com/a/css/b': 200 });
  }); // prettier-ignore

  it('has no v2 templates: the braces are literal', () => {
    expectStatuses('PathRegexp("/{path:(css|js)}")', {
      'https://example.com/css': 404, 'https://example.com/{path:css}': 200,
      'https://example.com/%7Bpath:css%7D/': 200, 'https://example.com/%7Bpath:js%7D': 200,
    });
  }); // prettier-ignore
});

describe('PathPrefix', () => {
  it.each([
    ['PathPrefix()', 'no args for matcher PathPrefix'],
    ['PathPrefix(``)', 'empty args for matcher PathPrefix'],
    ['PathPrefix(`css`)', `path "css" does not start with a '/'`],
    ['PathPrefix(`/css`, `/js`)', 'got 2, expected one of [1]'],
  ])('refuses %s', (rule, reason) => refuses(rule, reason));

  it('matches a string prefix of the routing path (not a segment prefix)', () => {
    expectStatuses('PathPrefix("/css")', {
      'https://example.com': 404, 'https://example.com/html': 404, 'https://example.org/css': 200,
      'https://example.com/css': 200, 'https://example.com/css/': 200, 'https://example.com/css/main.css': 200,
      'https://example.com/cssx': 200,
    });
  }); // prettier-ignore
});

describe('Header', () => {
  it.each([
    ['Header()', 'no args for matcher Header'],
    ['Header(`X-Forwarded-Host`)', 'got 1, expected one of [2]'],
    ['Header(`X-Forwarded-Host`, ``)', 'empty args for matcher Header'],
    ['Header(``, `example.com`)', 'empty args for matcher Header'],
    [
      'Header(`X-Forwarded-Host`, `example.com`, `example.org`)',
      'got 3, expected one of [2]',
    ],
  ])('refuses %s', (rule, reason) => refuses(rule, reason));

  const byHeaders = (rule: string, cases: Array<[Array<[string, string]>, boolean]>) => {
    const compiled = parseRule(rule);
    for (const [headers, match] of cases)
      expect([headers, compiled.matches(seen('/', { headers }))]).toEqual([headers, match]);
  }; // prettier-ignore

  it('matches one value of the header exactly, each header line a value', () => {
    for (const rule of ['Header(`X-Api`, `v2`)', 'Header(`x-api`, `v2`)']) {
      byHeaders(rule, [
        [[['X-Api', 'v2']], true],
        [[['x-api', 'v2']], true],
        [
          [
            ['X-Api', 'v1'],
            ['X-Api', 'v2'],
          ],
          true,
        ],
        [
          [
            ['X-Api', 'v2'],
            ['X-Api', 'v1'],
          ],
          true,
        ],
        [[['X-Api', 'v1, v2']], false],
        [[['X-Api', 'V2']], false],
        [[['X-Other', 'v2']], false],
      ]);
    }
  });

  it('sees the headers after the entry point: Host gone, X-Forwarded-* its own, Connection-named ones dropped', () => {
    byHeaders('Header(`Host`, `example.com`)', [[[['Host', 'example.com']], false]]);
    byHeaders('Header(`X-Forwarded-Proto`, `http`)', [[[], true], [[['X-Forwarded-Proto', 'https']], true]]);
    byHeaders('Header(`X-Forwarded-Proto`, `https`)', [[[['X-Forwarded-Proto', 'https']], false]]);
    byHeaders('Header(`X-Forwarded-Host`, `example.com`)', [[[['Host', 'example.com']], true]]);
    byHeaders('Header(`X-Real-Ip`, `192.0.2.1`)', [[[['X-Real-Ip', '10.0.0.1']], true]]);
    byHeaders('Header(`X-Forwarded-Port`, `8080`)', [[[['Host', 'a:8080']], true]]);
    byHeaders('Header(`X-Secret`, `1`)', [
      [[['X-Secret', '1']], true],
      [[['X-Secret', '1'], ['Connection', 'close, x-secret']], false],
    ]);
    byHeaders('Header(`X-Forwarded-Proto`, `ws`)', [
      [[['Connection', 'Upgrade'], ['Upgrade', 'websocket']], true],
    ]);
    byHeaders('Header(`Connection`, `Upgrade`)', [
      [[['Connection', 'keep-alive, upgrade'], ['Upgrade', 'h2c']], true],
      [[['Connection', 'keep-alive']], false],
    ]);
  }); // prettier-ignore

  it('never matches a name that is not an HTTP token', () => {
    byHeaders('Header(`X Api`, `v2`)', [[[['X Api', 'v2']], false]]);
  });
});

describe('HeaderRegexp', () => {
  it.each([
    ['HeaderRegexp()', 'no args for matcher HeaderRegexp'],
    ['HeaderRegexp(`X-Forwarded-Host`)', 'got 1, expected one of [2]'],
    [
      'HeaderRegexp(`X-Forwarded-Host`, ``)',
      'empty args for matcher HeaderRegexp',
    ],
    ['HeaderRegexp(``, `example.com`)', 'empty args for matcher HeaderRegexp'],
    [
      'HeaderRegexp(`X-Forwarded-Host`,`(example.com`)',
      'compiling HeaderRegexp matcher: error parsing regexp',
    ],
    [
      'HeaderRegexp(`X-Forwarded-Host`, `example.com`, `example.org`)',
      'got 3, expected one of [2]',
    ],
  ])('refuses %s', (rule, reason) => refuses(rule, reason));

  it('matches when one value of the header matches', () => {
    for (const rule of ['HeaderRegexp(`X-Api`, `^v[12]$`)', 'HeaderRegexp(`x-api`, `^v[12]$`)']) {
      const m = parseRule(rule);
      const h = (...headers: Array<[string, string]>) => m.matches(seen('/', { headers }));
      expect(h(['X-Api', 'v1'])).toBe(true);
      expect(h(['x-api', 'v2'])).toBe(true);
      expect(h(['X-Api', 'ws'], ['X-Api', 'v2'])).toBe(true);
      expect(h(['X-Api', 'ws, v2'])).toBe(false);
      expect(h(['X-Other', 'v1'])).toBe(false);
    }
  }); // prettier-ignore

  it('has no v2 templates', () => {
    const m = parseRule('HeaderRegexp(`X-Api`, `v{n:[12]}`)');
    expect(m.matches(seen('/', { headers: [['X-Api', 'v1']] }))).toBe(false);
    expect(m.matches(seen('/', { headers: [['X-Api', 'v{n:1}']] }))).toBe(true);
  });
});

describe('Query', () => {
  it.each([
    ['Query()', 'no args for matcher Query'],
    ['Query(``)', 'empty args for matcher Query'],
    ['Query(``, `traefik`)', 'empty args for matcher Query'],
    ['Query(`q`, ``)', 'empty args for matcher Query, [q ]'],
    ['Query(`q`, `traefik`, `proxy`)', 'got 3, expected one of [1 2]'],
  ])('refuses %s', (rule, reason) => refuses(rule, reason));

  it('matches one value of the parameter exactly', () => {
    expectStatuses('Query(`q`, `traefik`)', {
      'https://example.com': 404, 'https://example.com?q=traefik': 200, 'https://example.com?rel=ddg&q=traefik': 200,
      'https://example.com?q=traefik&q=proxy': 200, 'https://example.com?q=awesome&q=traefik': 200,
      'https://example.com?q=nginx': 404, 'https://example.com?rel=ddg': 404, 'https://example.com?q=TRAEFIK': 404,
      'https://example.com?Q=traefik': 404, 'https://example.com?rel=traefik': 404,
    });
  }); // prettier-ignore

  it('with one argument, matches the parameter with an empty value (not any value)', () => {
    expectStatuses('Query(`mobile`)', {
      'https://example.com': 404, 'https://example.com?mobile': 200, 'https://example.com?mobile=': 200,
      'https://example.com?mobile=true': 404, 'https://example.com?mobile=true&mobile': 200,
    });
  }); // prettier-ignore

  it('decodes as Go: + is a space, ; separates, a pair with a bad escape is dropped', () => {
    expectStatuses('Query(`q`, `a b`)', { 'http://a/?q=a+b': 200, 'http://a/?q=a%20b': 200 });
    expectStatuses('Query(`b`, `2`)', { 'http://a/?a=1;b=2': 200 });
    expectStatuses('Query(`q`, `%zz`)', { 'http://a/?q=%zz': 404 });
    expectStatuses('Query(`r`, `1`)', { 'http://a/?q=%zz&r=1': 200 });
  }); // prettier-ignore
});

describe('QueryRegexp', () => {
  it.each([
    ['QueryRegexp()', 'no args for matcher QueryRegexp'],
    ['QueryRegexp(``)', 'empty args for matcher QueryRegexp'],
    ['QueryRegexp(`q`, ``)', 'empty args for matcher QueryRegexp'],
    [
      'QueryRegexp(`q`, `(traefik`)',
      'compiling QueryRegexp matcher: error parsing regexp',
    ],
    ['QueryRegexp(`q`, `traefik`, `proxy`)', 'got 3, expected one of [1 2]'],
  ])('refuses %s', (rule, reason) => refuses(rule, reason));

  it('matches when one value matches', () => {
    expectStatuses('QueryRegexp(`q`, `^(traefik|nginx)$`)', {
      'https://example.com': 404, 'https://example.com?q=traefik': 200, 'https://example.com?rel=ddg&q=traefik': 200,
      'https://example.com?q=traefik&q=proxy': 200, 'https://example.com?q=awesome&q=traefik': 200,
      'https://example.com?q=TRAEFIK': 404, 'https://example.com?Q=traefik': 404, 'https://example.com?rel=traefik': 404,
      'https://example.com?q=nginx': 200, 'https://example.com?q=NGINX': 404, 'https://example.com?q=haproxy': 404,
    });
    expectStatuses('QueryRegexp(`q`, `^.*$`)', {
      'https://example.com': 404, 'https://example.com?q=TRAEFIK': 200, 'https://example.com?Q=traefik': 404,
      'https://example.com?q': 200,
    });
  }); // prettier-ignore

  it('with one argument is Query with one argument', () => {
    expectStatuses('QueryRegexp(`mobile`)', {
      'https://example.com?mobile': 200, 'https://example.com?mobile=true': 404,
    });
  }); // prettier-ignore

  it('has no v2 templates', () => {
    expectStatuses('QueryRegexp(`q`, `{value:(traefik|nginx)}`)', {
      'https://example.com?q=traefik': 404, 'https://example.com?q={value:traefik}': 200,
    });
  }); // prettier-ignore
});
