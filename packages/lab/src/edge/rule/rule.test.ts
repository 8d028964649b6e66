import { parseRule, RuleRequest, RuleSyntaxError } from '.';

function request(over: Partial<RuleRequest> = {}): RuleRequest {
  return {
    host: 'shop.docker.localhost',
    path: '/',
    method: 'GET',
    headers: {},
    query: new Map(),
    remoteAddr: '127.0.0.1',
    ...over,
  };
}

const matches = (rule: string, over: Partial<RuleRequest> = {}) =>
  parseRule(rule).matches(request(over));

describe('parseRule', () => {
  it('matches Host case-insensitively, with or without a trailing dot', () => {
    expect(matches('Host(`shop.docker.localhost`)')).toBe(true);
    expect(matches('Host(`SHOP.docker.localhost.`)')).toBe(true);
    expect(matches('Host(`other.docker.localhost`)')).toBe(false);
    expect(matches('Host("shop.docker.localhost")')).toBe(true);
  });

  it('knows the other matchers', () => {
    expect(matches('HostRegexp(`^[a-z]+\\.docker\\.localhost$`)')).toBe(true);
    expect(matches('HostRegexp(`(?i)^SHOP\\.`)')).toBe(true);
    expect(matches('PathPrefix(`/api`)', { path: '/api/v1' })).toBe(true);
    expect(matches('PathPrefix(`/api`)', { path: '/ap' })).toBe(false);
    expect(matches('Path(`/api`)', { path: '/api/v1' })).toBe(false);
    expect(matches('Path(`/api`)', { path: '/api' })).toBe(true);
    expect(matches('PathRegexp(`^/v[0-9]+/`)', { path: '/v2/x' })).toBe(true);
    expect(matches('Method(`post`)', { method: 'POST' })).toBe(true);
    expect(matches('Method(`POST`)')).toBe(false);
    expect(
      matches('Header(`X-Env`, `blue`)', {
        headers: { 'x-env': ['green', 'blue'] },
      }),
    ).toBe(true);
    expect(matches('Header(`X-Env`, `blue`)', { headers: {} })).toBe(false);
    expect(
      matches('HeaderRegexp(`X-Env`, `^bl`)', {
        headers: { 'x-env': ['blue'] },
      }),
    ).toBe(true);
    expect(
      matches('Query(`debug`, `1`)', { query: new Map([['debug', ['1']]]) }),
    ).toBe(true);
    expect(matches('Query(`debug`)', { query: new Map([['a', ['1']]]) })).toBe(
      false,
    );
  });

  it('binds ! tighter than && and && tighter than ||', () => {
    // A || B && C is A || (B && C): true with A alone
    expect(
      matches('Host(`shop.docker.localhost`) || Path(`/x`) && Method(`PUT`)'),
    ).toBe(true);
    // (A || B) && C is false without C
    expect(
      matches('(Host(`shop.docker.localhost`) || Path(`/x`)) && Method(`PUT`)'),
    ).toBe(false);
    // !A && B is (!A) && B
    expect(matches('!Host(`other.docker.localhost`) && Method(`GET`)')).toBe(
      true,
    );
    expect(matches('!(Host(`shop.docker.localhost`) && Method(`GET`))')).toBe(
      false,
    );
    expect(matches('!!Method(`GET`)')).toBe(true);
    expect(
      matches(
        'Host(`shop.docker.localhost`) && (PathPrefix(`/a`) || PathPrefix(`/b`))',
        { path: '/b/1' },
      ),
    ).toBe(true);
  });

  it('accepts what the route builder emits', () => {
    expect(
      matches('Host(`shop-dev.docker.localhost`) && PathPrefix(`/api`)', {
        host: 'shop-dev.docker.localhost',
        path: '/api/x',
      }),
    ).toBe(true);
  });

  // the reasons are Traefik's (go/parser, vulcand/predicate, pkg/muxer/http)
  it.each([
    ['', "1:1: expected operand, found 'EOF'"],
    // Go's scanner ends the input after `)`, a literal or a name with a newline token
    ['Host(`a`', "1:9: missing ',' before newline in argument list"],
    ['Host(`a`) &&', "1:13: expected operand, found 'EOF'"],
    ['Host(`a`) Path(`/`)', "1:11: expected 'EOF', found Path"],
    ['Hots(`a`)', 'unsupported function: Hots'],
    [
      'Host(`a`, `b`)',
      'error while adding rule Host: unexpected number of parameters; got 2, expected one of [1]',
    ],
    [
      'Header(`a`)',
      'error while adding rule Header: unexpected number of parameters; got 1, expected one of [2]',
    ],
    ['Host(a)', 'a is not defined'],
    ['Host(`a)', '1:6: raw string literal not terminated'],
    ['PathPrefix(`api`)', `path "api" does not start with a '/'`],
    ['HostRegexp(`(`)', 'compiling HostRegexp matcher: error parsing regexp'],
    ['Host(`a`) & Path(`/`)', '& is not supported'],
    ['(Host(`a`)', "1:11: expected ')', found newline"],
    ['Host("a\\q")', '1:9: unknown escape sequence'],
  ])('rejects %j (%s)', (rule, message) => {
    expect(() => parseRule(rule)).toThrow(RuleSyntaxError);
    expect(() => parseRule(rule)).toThrow(message);
  });
});
