/**
 * Traefik v3 router rules: a parser for the rule language (matcher calls with backquoted or
 * double-quoted strings, `!`, `&&`, `||`, parentheses; Go's precedence: `!` over `&&` over
 * `||`) and the compiled matcher a request is tested with.
 */

/** What a rule looks at in a request. */
export interface RuleRequest {
  /** Host without port, lower case. */
  host: string;
  /** Path as sent (percent-encoded), before any middleware. */
  path: string;
  method: string;
  /** Header values by lower-case name. */
  headers: Record<string, string | string[] | undefined>;
  /** Query parameters. */
  query: URLSearchParams;
}

/** A parsed rule: call `matches` per request. */
export interface CompiledRule {
  matches(request: RuleRequest): boolean;
}

/** A rule that does not parse, with the reason Traefik would give. */
export class RuleSyntaxError extends Error {}

type Token =
  | { kind: 'ident'; value: string; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'op'; value: '&&' | '||' | '!' | '(' | ')' | ','; at: number };

function tokenize(rule: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < rule.length) {
    const c = rule[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = rule.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      tokens.push({ kind: 'op', value: two, at: i });
      i += 2;
    } else if (c === '!' || c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'op', value: c, at: i });
      i++;
    } else if (c === '`') {
      const end = rule.indexOf('`', i + 1);
      if (end < 0) throw new RuleSyntaxError(`unterminated string at ${i}`);
      tokens.push({ kind: 'string', value: rule.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (c === '"') {
      // a Go interpreted string literal: backslash escapes, no raw newlines
      let j = i + 1;
      let value = '';
      for (; j < rule.length && rule[j] !== '"'; j++) {
        if (rule[j] === '\n')
          throw new RuleSyntaxError(`newline in string at ${j}`);
        if (rule[j] === '\\') {
          const next = rule[++j];
          const escapes: Record<string, string> = {
            n: '\n',
            t: '\t',
            '\\': '\\',
            '"': '"',
          };
          if (!(next in escapes))
            throw new RuleSyntaxError(`unknown escape sequence at ${j - 1}`);
          value += escapes[next];
        } else value += rule[j];
      }
      if (j >= rule.length)
        throw new RuleSyntaxError(`unterminated string at ${i}`);
      tokens.push({ kind: 'string', value, at: i });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rule.slice(i))!;
      tokens.push({ kind: 'ident', value: m[0], at: i });
      i += m[0].length;
    } else {
      throw new RuleSyntaxError(
        `unexpected character ${JSON.stringify(c)} at ${i}`,
      );
    }
  }
  return tokens;
}

type Matcher = (request: RuleRequest) => boolean;

function assertArgs(name: string, args: string[], allowed: number[]) {
  if (!allowed.includes(args.length)) {
    throw new RuleSyntaxError(
      `unexpected number of parameters for ${name}; got ${
        args.length
      }, expected one of [${allowed.join(' ')}]`,
    );
  }
}

function assertPath(name: string, value: string) {
  if (!value.startsWith('/'))
    throw new RuleSyntaxError(
      `${name}: path ${JSON.stringify(value)} does not start with a '/'`,
    );
}

/** Go's RE2 syntax is close to JavaScript's for what rules use; `(?i)` becomes the i flag. */
function goRegexp(name: string, expr: string): RegExp {
  let flags = '';
  let source = expr;
  if (source.startsWith('(?i)')) {
    flags = 'i';
    source = source.slice(4);
  }
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new RuleSyntaxError(
      `${name}: invalid regexp: ${(e as Error).message}`,
    );
  }
}

function headerValues(request: RuleRequest, key: string): string[] {
  const v = request.headers[key.toLowerCase()];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The matchers of Traefik v3 (the `v3` rule syntax), by name. */
const MATCHERS: Record<string, (args: string[]) => Matcher> = {
  Host: args => {
    assertArgs('Host', args, [1]);
    if (!/^[\x20-\x7e]*$/.test(args[0]))
      throw new RuleSyntaxError(
        `invalid value ${JSON.stringify(
          args[0],
        )} for Host matcher, non-ASCII characters are not allowed`,
      );
    const host = args[0].toLowerCase();
    const bare = host.endsWith('.') ? host.slice(0, -1) : host;
    return r => {
      const h = r.host.endsWith('.') ? r.host.slice(0, -1) : r.host;
      return h !== '' && h === bare;
    };
  },
  HostRegexp: args => {
    assertArgs('HostRegexp', args, [1]);
    const re = goRegexp('HostRegexp', args[0]);
    return r => re.test(r.host);
  },
  Path: args => {
    assertArgs('Path', args, [1]);
    assertPath('Path', args[0]);
    return r => r.path === args[0];
  },
  PathPrefix: args => {
    assertArgs('PathPrefix', args, [1]);
    assertPath('PathPrefix', args[0]);
    return r => r.path.startsWith(args[0]);
  },
  PathRegexp: args => {
    assertArgs('PathRegexp', args, [1]);
    const re = goRegexp('PathRegexp', args[0]);
    return r => re.test(r.path);
  },
  Method: args => {
    assertArgs('Method', args, [1]);
    const method = args[0].toUpperCase();
    return r => r.method === method;
  },
  Header: args => {
    assertArgs('Header', args, [2]);
    return r => headerValues(r, args[0]).includes(args[1]);
  },
  HeaderRegexp: args => {
    assertArgs('HeaderRegexp', args, [2]);
    const re = goRegexp('HeaderRegexp', args[1]);
    return r => headerValues(r, args[0]).some(v => re.test(v));
  },
  Query: args => {
    assertArgs('Query', args, [1, 2]);
    return r =>
      args.length === 1
        ? r.query.has(args[0])
        : r.query.getAll(args[0]).includes(args[1]);
  },
};

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Matcher {
    if (this.tokens.length === 0) throw new RuleSyntaxError('empty rule');
    const m = this.or();
    const rest = this.tokens[this.pos];
    if (rest)
      throw new RuleSyntaxError(
        `unexpected ${JSON.stringify(rest.value)} at ${rest.at}`,
      );
    return m;
  }

  private peekOp(value: string): boolean {
    const t = this.tokens[this.pos];
    return t?.kind === 'op' && t.value === value;
  }

  private expectOp(value: string) {
    const t = this.tokens[this.pos];
    if (!this.peekOp(value)) {
      throw new RuleSyntaxError(
        t
          ? `expected ${JSON.stringify(value)} at ${
              t.at
            }, found ${JSON.stringify(t.value)}`
          : `expected ${JSON.stringify(value)} at the end of the rule`,
      );
    }
    this.pos++;
  }

  private or(): Matcher {
    const parts = [this.and()];
    while (this.peekOp('||')) {
      this.pos++;
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0] : r => parts.some(p => p(r));
  }

  private and(): Matcher {
    const parts = [this.unary()];
    while (this.peekOp('&&')) {
      this.pos++;
      parts.push(this.unary());
    }
    return parts.length === 1 ? parts[0] : r => parts.every(p => p(r));
  }

  private unary(): Matcher {
    if (this.peekOp('!')) {
      this.pos++;
      const inner = this.unary();
      return r => !inner(r);
    }
    return this.primary();
  }

  private primary(): Matcher {
    const t = this.tokens[this.pos];
    if (!t) throw new RuleSyntaxError('unexpected end of the rule');
    if (t.kind === 'op' && t.value === '(') {
      this.pos++;
      const inner = this.or();
      this.expectOp(')');
      return inner;
    }
    if (t.kind !== 'ident') {
      throw new RuleSyntaxError(
        `expected a matcher at ${t.at}, found ${JSON.stringify(t.value)}`,
      );
    }
    const factory = Object.prototype.hasOwnProperty.call(MATCHERS, t.value)
      ? MATCHERS[t.value]
      : undefined;
    if (!factory) throw new RuleSyntaxError(`unsupported function: ${t.value}`);
    this.pos++;
    this.expectOp('(');
    const args: string[] = [];
    while (!this.peekOp(')')) {
      const arg = this.tokens[this.pos];
      if (arg?.kind !== 'string') {
        throw new RuleSyntaxError(
          arg
            ? `${t.value}: expected a quoted string at ${arg.at}`
            : `${t.value}: unterminated argument list`,
        );
      }
      args.push(arg.value);
      this.pos++;
      if (!this.peekOp(')')) this.expectOp(',');
    }
    this.pos++;
    return factory(args);
  }
}

/** Parses a Traefik v3 rule; throws {@link RuleSyntaxError} naming what is wrong and where. */
export function parseRule(rule: string): CompiledRule {
  const matcher = new Parser(tokenize(rule)).parse();
  return { matches: matcher };
}
