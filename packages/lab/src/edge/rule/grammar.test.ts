/**
 * The rule grammar of Traefik v3.7.9 (pkg/rules/parser.go over vulcand/predicate v1.3.0, which
 * parses a rule as a Go expression): one test per rule of the grammar and per way a rule is
 * refused. Expected reasons are the ones Traefik gives (Go's parser positions are line:column).
 */
import {
  matcherSpellings,
  parseRule,
  RuleRequest,
  RuleSyntaxError,
  V3_MATCHERS,
} from '.';
import { parseRuleTree } from './parser';

const request = (over: Partial<RuleRequest> = {}): RuleRequest => ({
  host: 'example.com',
  path: '/css',
  method: 'GET',
  headers: {},
  query: new Map(),
  remoteAddr: '127.0.0.1',
  ...over,
});
const matches = (rule: string, over: Partial<RuleRequest> = {}) =>
  parseRule(rule).matches(request(over));
const refusal = (rule: string) => {
  try {
    parseRule(rule);
  } catch (e) {
    expect(e).toBeInstanceOf(RuleSyntaxError);
    return (e as Error).message;
  }
  throw new Error(`accepted ${rule}`);
};

describe('rule grammar (Traefik v3.7.9)', () => {
  it('registers every v3 matcher of matcher.go', () => {
    expect(V3_MATCHERS.sort()).toEqual(
      ['ClientIP', 'Header', 'HeaderRegexp', 'Host', 'HostRegexp', 'Method', 'Path',
        'PathPrefix', 'PathRegexp', 'Query', 'QueryRegexp'].sort(),
    ); // prettier-ignore
  });

  it('knows a matcher as declared, lower, UPPER and Title-of-lower, and no other spelling', () => {
    expect(matcherSpellings('PathPrefix')).toEqual([
      'PathPrefix', 'pathprefix', 'PATHPREFIX', 'Pathprefix',
    ]); // prettier-ignore
    for (const name of ['PathPrefix', 'pathprefix', 'PATHPREFIX', 'Pathprefix'])
      expect(matches(`${name}(\`/css\`)`)).toBe(true);
    for (const name of [
      'pathPrefix',
      'PathPREFIX',
      'Path_Prefix',
      'PATHprefix',
    ])
      expect(refusal(`${name}(\`/css\`)`)).toMatch(
        `unsupported function: ${name}`,
      );
    expect(matches('Clientip(`127.0.0.1`)')).toBe(true);
    expect(matches('HOSTREGEXP(`^example`)')).toBe(true);
    expect(refusal('ClientIp(`127.0.0.1`)')).toMatch('unsupported function');
  });

  it('keeps the declared name in the tree whatever the spelling', () => {
    expect(parseRuleTree('hostregexp(`a`)', V3_MATCHERS)).toEqual({
      op: 'matcher', matcher: 'HostRegexp', not: false, values: ['a'],
    }); // prettier-ignore
  });

  it('takes backquoted (raw) and double-quoted (interpreted) strings', () => {
    expect(matches('Path(`/css`)')).toBe(true);
    expect(matches('Path("/css")')).toBe(true);
    expect(matches('Path("/c\\x73s")')).toBe(true);
    expect(matches('Path("/\\u0063ss")')).toBe(true);
    expect(matches('Path("/\\143ss")')).toBe(true);
    // a raw string keeps backslashes and drops carriage returns
    expect(matches('PathRegexp(`^/c\\w+$`)')).toBe(true);
    expect(matches('Path(`/c\rss`)')).toBe(true);
    expect(
      matches('Header(`X-A`, "a\\tb")', { headers: { 'x-a': ['a\tb'] } }),
    ).toBe(true);
  });

  it('binds ! over && over ||, and parentheses group', () => {
    const h = (host: string, path = '/css') => request({ host, path });
    const or = parseRule('Host(`a`) || Host(`b`) && Path(`/x`)');
    expect(or.matches(h('a'))).toBe(true); // a || (b && /x)
    expect(or.matches(h('b'))).toBe(false);
    const grouped = parseRule('(Host(`a`) || Host(`b`)) && Path(`/x`)');
    expect(grouped.matches(h('a'))).toBe(false);
    expect(grouped.matches(h('b', '/x'))).toBe(true);
    expect(matches('!Host(`other`) && Path(`/css`)')).toBe(true);
    expect(matches('!(Host(`example.com`) && !Path(`/js`))')).toBe(false);
    expect(matches('!(!(Host(`example.com`) && Pathprefix(`/css`)))')).toBe(
      true,
    );
    expect(matches('!!Method(`GET`)')).toBe(true);
    expect(matches('(((Method(`GET`))))')).toBe(true);
  });

  it('pushes ! down to the matchers (De Morgan), as Traefik builds its tree', () => {
    expect(parseRuleTree('!(Host(`a`) || !Path(`/b`))', V3_MATCHERS)).toEqual({
      op: 'and',
      left: { op: 'matcher', matcher: 'Host', not: true, values: ['a'] },
      right: { op: 'matcher', matcher: 'Path', not: false, values: ['/b'] },
    });
  });

  it('skips Go whitespace and comments; a newline may follow an operator', () => {
    expect(matches('Host(`example.com`)\t&&\r\nPath(`/css`)')).toBe(true);
    expect(
      matches('Host(`example.com`) /* the site */ && Path(`/css`) // css'),
    ).toBe(true);
    expect(matches('Host(`example.com`) &&\n  Path(`/css`)\n')).toBe(true);
    expect(
      matches('Header(\n`X-A`,\n`b`,\n)', { headers: { 'x-a': ['b'] } }),
    ).toBe(true);
    expect(matches('\ufeffMethod(`GET`)')).toBe(true);
  });

  it('takes a trailing comma and a trailing ... in an argument list, as a Go call', () => {
    expect(matches('Header(`X-A`, `b`,)', { headers: { 'x-a': ['b'] } })).toBe(
      true,
    );
    expect(matches('Path(`/css`...)')).toBe(true);
  });

  it.each([
    ['', "1:1: expected operand, found 'EOF'"],
    ['   ', "1:4: expected operand, found 'EOF'"],
    ['m', 'm is not defined'],
    ['Host', 'Host is not defined'],
    ['Host(`a`) &&', "1:13: expected operand, found 'EOF'"],
    ['Host(`a`) ||', "1:13: expected operand, found 'EOF'"],
    ['Host(`a)', '1:6: raw string literal not terminated'],
    ['Host("a)', '1:6: string literal not terminated'],
    ['Host("a\nb")', '1:6: string literal not terminated'],
    ['Host(`a`))', "1:10: expected 'EOF', found ')'"],
    ['(Host(`a`)', "1:11: expected ')', found newline"],
    ['Host(`a`', "1:9: missing ',' before newline in argument list"],
    ['Host(`a` `b`)', "1:10: missing ',' in argument list"],
    ['Host(,)', "1:6: expected operand, found ','"],
    ['Host(`a`) Path(`/`)', "1:11: expected 'EOF', found Path"],
    ['Host(`a`)\n&& Path(`/`)', "2:1: expected 'EOF', found '&&'"],
    ['Host(`a`) // x\n|| Path(`/`)', "2:1: expected 'EOF', found '||'"],
    [
      'Header(\n`a`,\n`b`\n)',
      "3:4: missing ',' before newline in argument list",
    ],
    ['Host(`a`);', "1:10: expected 'EOF', found ';'"],
    ['Host(`a`) /* x', '1:11: comment not terminated'],
    ['Host(`a`)\u00a0&& Path(`/`)', '1:10: illegal character U+00A0'],
    ['Host(`a`) # x', "1:11: illegal character U+0023 '#'"],
    ['Host("a\\q")', '1:9: unknown escape sequence'],
    ['Host("\\xZZ")', "1:9: illegal character U+005A 'Z' in escape sequence"],
    ['Host("\\x4")', "1:10: illegal character U+0022 '\"' in escape sequence"],
    ['Host("\\x4', '1:6: string literal not terminated'],
    // Go stops at the first error of the parse: what follows is not scanned
    ['Host(`a`) Path(`/`) "open', "1:11: expected 'EOF', found Path"],
    ['Host("\\uD800")', '1:8: escape sequence is invalid Unicode code point'],
    ['Host("\\400")', '1:8: escape sequence is invalid Unicode code point'],
    ['Host(“a”)', `1:6: curly quotation mark '“' (use neutral '"')`],
    ['Host(`a`) & Path(`/`)', '& is not supported'],
    ['Host(`a`) == Host(`b`)', '== is not supported'],
    ['Host(`a`) + Path(`/`)', '+ is not supported'],
    ['-Host(`a`)', '- is not supported'],
    ['Hots(`a`)', 'unsupported function: Hots'],
    ['pkg.Host(`a`)', 'unsupported function: pkg.Host'],
    ['Host(`a`)(`b`)', 'expected identifier, got: *ast.CallExpr'],
    ['Host.x', 'Host.x is not defined'],
    ['Host[`a`]', 'properties are not supported'],
    ['`a`', 'obtaining build tree'],
    ['(`a`)', 'obtaining build tree'],
    ['!`a`', 'reflect: Call using string as type rules.TreeBuilder'],
    [
      'Host(`a`) && `b`',
      'reflect: Call using string as type rules.TreeBuilder',
    ],
    ['Host(a)', 'a is not defined'],
    ['Host(1)', 'reflect: Call using int as type string'],
    ['Host(1.5)', 'reflect: Call using float64 as type string'],
    ['Host(0x1)', 'failed to parse argument: 0x1'],
    ["Host('a')", "unsupported function argument type: 'CHAR'"],
    ['Host(1i)', "unsupported function argument type: 'IMAG'"],
    ['Host((`a`))', '*ast.ParenExpr is not supported'],
    ['Host(!`a`)', '*ast.UnaryExpr is not supported'],
    ['Host(`a` + `b`)', '*ast.BinaryExpr is not supported'],
    ['Host(Host(`a`))', 'reflect: Call using rules.TreeBuilder as type string'],
    ['Host()', 'error while checking rule Host: no args for matcher Host'],
    [
      'Host(``)',
      'error while checking rule Host: empty args for matcher Host, []',
    ],
    [
      'Header(`a`, ``)',
      'error while checking rule Header: empty args for matcher Header, [a ]',
    ],
    [
      'Path(`/a`) && Host()',
      'adding rule Path(`/a`) && Host(): error while checking rule Host: no args',
    ],
    [
      'Host() && Path(`/a`)',
      'error while adding rule and: error while checking rule Host',
    ],
    ['!Host()', 'no args for matcher Host'],
  ])('refuses %j: %s', (rule, reason) => {
    const message = refusal(rule);
    expect(message).toContain(reason);
    expect(message.startsWith(`error while parsing rule ${rule}: `)).toBe(true);
  });
});
