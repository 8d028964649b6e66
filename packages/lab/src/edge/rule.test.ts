import { parseRule, RuleRequest, RuleSyntaxError } from './rule';

function request(over: Partial<RuleRequest> = {}): RuleRequest {
  return {
    host: 'shop.docker.localhost',
    path: '/',
    method: 'GET',
    headers: {},
    query: new URLSearchParams(),
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
      matches('HeaderRegexp(`X-Env`, `^bl`)', { headers: { 'x-env': 'blue' } }),
    ).toBe(true);
    expect(
      matches('Query(`debug`, `1`)', { query: new URLSearchParams('debug=1') }),
    ).toBe(true);
    expect(
      matches('Query(`debug`)', { query: new URLSearchParams('a=1') }),
    ).toBe(false);
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

  it.each([
    ['', 'empty rule'],
    ['Host(`a`', 'at the end'],
    ['Host(`a`) &&', 'unexpected end'],
    ['Host(`a`) Path(`/`)', 'unexpected "Path"'],
    ['Hots(`a`)', 'unsupported function: Hots'],
    ['Host(`a`, `b`)', 'unexpected number of parameters for Host; got 2'],
    ['Header(`a`)', 'unexpected number of parameters for Header; got 1'],
    ['Host(a)', 'expected a quoted string'],
    ['Host(`a)', 'unterminated string'],
    ['PathPrefix(`api`)', "does not start with a '/'"],
    ['HostRegexp(`(`)', 'invalid regexp'],
    ['Host(`a`) & Path(`/`)', 'unexpected character "&"'],
    ['(Host(`a`)', 'expected ")"'],
    ['Host("a\\q")', 'unknown escape sequence'],
  ])('rejects %j (%s)', (rule, message) => {
    expect(() => parseRule(rule)).toThrow(RuleSyntaxError);
    expect(() => parseRule(rule)).toThrow(message);
  });
});
