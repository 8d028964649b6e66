/** Go's RE2 dialect (regexp.Compile, Go 1.26 as Traefik v3.7.9 builds with) as the lab translates it. */
import { compileGoRegexp, UnsupportedRegexpError } from './goRegexp';
import { RuleSyntaxError } from './scanner';

const m = (expr: string, s: string) => compileGoRegexp(expr).test(s);

describe('compileGoRegexp', () => {
  it('keeps Go meanings where JavaScript differs', () => {
    expect(m('^a.b$', 'a\rb')).toBe(true); // Go's . excludes only \n
    expect(m('^a.b$', 'a\nb')).toBe(false);
    expect(m('(?s)^a.b$', 'a\nb')).toBe(true);
    expect(m('^\\s$', '\v')).toBe(false); // Go's \s is [\t\n\f\r ]
    expect(m('^\\s$', '\u00a0')).toBe(false);
    expect(m('^[\\S]$', '\v')).toBe(true);
    expect(m('^a\\z', 'a')).toBe(true);
    expect(m('a\\z', 'a\n')).toBe(false);
    expect(m('\\Aa', 'ba')).toBe(false);
    expect(m('^\\Q.*\\E$', '.*')).toBe(true);
    expect(m('^\\Q.*\\E$', 'ab')).toBe(false);
    expect(m('^\\101$', 'A')).toBe(true); // octal
    expect(m('^\\x{41}$', 'A')).toBe(true);
    expect(m('^[[:alpha:]]+$', 'abZ')).toBe(true);
    expect(m('^[[:digit:]]+$', 'a1')).toBe(false);
    expect(m('^[]a]+$', ']a')).toBe(true); // a leading ] is literal in Go
    expect(m('^(?P<v>v[0-9])$', 'v1')).toBe(true);
    expect(m('^a{2}$', 'aa')).toBe(true);
    expect(m('^a{$', 'a{')).toBe(true); // { not starting a count is literal
    expect(m('(?i)^ABC$', 'abc')).toBe(true);
    expect(m('(?m)^b$', 'a\nb')).toBe(true);
    expect(m('^\\.$', '.')).toBe(true);
  });

  it.each([
    ['(?=a)', 'invalid or unsupported Perl syntax: `(?=`'],
    ['(?!a)', 'invalid or unsupported Perl syntax: `(?!`'],
    ['(?<=a)b', 'invalid named capture: `(?<=a)b`'],
    ['(?<!a>)', 'invalid named capture: `(?<!a>`'],
    ['(a)\\1', 'invalid escape sequence: `\\1`'],
    ['\\q', 'invalid escape sequence: `\\q`'],
    ['\\C', 'invalid escape sequence: `\\C`'],
    ['a\\', 'trailing backslash at end of expression'],
    ['a{1001}', 'invalid repeat count: `{1001}`'],
    ['a**', 'invalid nested repetition operator: `**`'],
    ['(', 'error parsing regexp'],
    ['[a', 'missing closing ]'],
    ['[z-a]', 'error parsing regexp'],
    ['*a', 'error parsing regexp'],
    ['[[:foo:]]', 'invalid character class range: `[:foo:]`'],
  ])('refuses %j as Go does', (expr, reason) => {
    expect(() => compileGoRegexp(expr)).toThrow(RuleSyntaxError);
    expect(() => compileGoRegexp(expr)).toThrow(reason);
  });

  it.each([['\\pL'], ['a(?i)b'], ['(?i:a)'], ['(?U)a+'], ['[[:^alpha:]]']])(
    'names %j as valid Go the lab does not translate',
    expr => {
      expect(() => compileGoRegexp(expr)).toThrow(UnsupportedRegexpError);
      expect(() => compileGoRegexp(expr)).toThrow(
        'not simulated by the lab edge',
      );
    },
  );
});
