/**
 * Traefik's rule grammar: a Go expression (`go/parser.ParseExpr`), evaluated by vulcand/predicate
 * with Traefik's definitions (`pkg/rules/parser.go`): `&&`, `||` and `!` over matcher calls whose
 * arguments are string literals. The result is Traefik's `rules.Tree`, `!` pushed down to the
 * leaves by De Morgan's laws as Traefik's `invert` does.
 */
import { position, RuleSyntaxError, scan, Token } from './scanner';

/** A parsed rule: an `and`/`or` node or a matcher call (Traefik's `rules.Tree`). */
export type RuleTree =
  | { op: 'and' | 'or'; left: RuleTree; right: RuleTree }
  | { op: 'matcher'; matcher: string; not: boolean; values: string[] };

type Node =
  | { type: 'binary'; op: string; x: Node; y: Node }
  | { type: 'unary'; op: string; x: Node }
  | { type: 'paren'; x: Node }
  | { type: 'call'; fun: Node; args: Node[] }
  | { type: 'selector'; x: Node; name: string }
  | { type: 'index'; x: Node; index: Node }
  | { type: 'ident'; name: string }
  | { type: 'literal'; token: Token };

/** Go's binary operator precedence (`go/token`). */
const PRECEDENCE: Record<string, number> = {
  '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3,
  '+': 4, '-': 4, '|': 4, '^': 4, '*': 5, '/': 5, '%': 5, '<<': 5, '>>': 5, '&': 5, '&^': 5,
}; // prettier-ignore
const UNARY = new Set(['!', '-', '+', '^', '&', '*', '<-', '~']);

/** Go's `parser.ParseExpr` over the token kinds a rule can hold. */
class GoExprParser {
  private pos = 0;
  private readonly tokens: Token[] = [];
  // tokens are scanned as the parser reaches them: an error further on is not seen, as in Go
  private readonly source: Iterator<Token, void>;

  constructor(private readonly src: string) {
    this.source = scan(src);
  }

  parse(): Node {
    const x = this.binary(1);
    if (this.tok.kind === 'SEMI' && this.tok.text === '\n') this.pos++;
    this.expect('EOF', "'EOF'");
    return x;
  }

  private get tok(): Token {
    while (this.tokens.length <= this.pos) {
      const next = this.source.next();
      this.tokens.push(
        next.done ? this.tokens[this.tokens.length - 1] : next.value,
      );
    }
    return this.tokens[this.pos];
  }

  private isOp(text: string) {
    return this.tok.kind === 'OP' && this.tok.text === text;
  }

  private error(expected: string): never {
    const t = this.tok;
    let found: string;
    if (t.kind === 'SEMI' && t.text === '\n') found = 'newline';
    else if (t.kind === 'EOF') found = "'EOF'";
    else if (t.kind === 'OP' || t.kind === 'SEMI') found = `'${t.text}'`;
    else found = t.text;
    throw new RuleSyntaxError(
      `${position(this.src, t.at)}: expected ${expected}, found ${found}`,
    );
  }

  private expect(kind: 'EOF' | 'OP', text: string) {
    if (kind === 'EOF' ? this.tok.kind !== 'EOF' : !this.isOp(text))
      this.error(kind === 'EOF' ? text : `'${text}'`);
    this.pos++;
  }

  private missingComma(context: string) {
    if (this.tok.kind === 'SEMI' && this.tok.text === '\n')
      throw new RuleSyntaxError(
        `${position(
          this.src,
          this.tok.at,
        )}: missing ',' before newline in ${context}`,
      );
  }

  private binary(min: number): Node {
    let x = this.unary();
    for (;;) {
      const prec =
        this.tok.kind === 'OP' ? PRECEDENCE[this.tok.text] : undefined;
      if (prec === undefined || prec < min) return x;
      const op = this.tok.text;
      this.pos++;
      x = { type: 'binary', op, x, y: this.binary(prec + 1) };
    }
  }

  private unary(): Node {
    if (this.tok.kind === 'OP' && UNARY.has(this.tok.text)) {
      const op = this.tok.text;
      this.pos++;
      return { type: 'unary', op, x: this.unary() };
    }
    return this.primary();
  }

  private primary(): Node {
    let x = this.operand();
    for (;;) {
      if (this.isOp('(')) {
        this.pos++;
        const args: Node[] = [];
        while (!this.isOp(')') && this.tok.kind !== 'EOF') {
          args.push(this.binary(1));
          if (this.isOp('...')) {
            this.pos++;
            if (this.isOp(',')) this.pos++;
            break;
          }
          if (this.isOp(')')) break;
          if (!this.isOp(',')) {
            const newline = this.tok.kind === 'SEMI' && this.tok.text === '\n';
            throw new RuleSyntaxError(
              `${position(this.src, this.tok.at)}: missing ','${
                newline ? ' before newline' : ''
              } in argument list`,
            );
          }
          this.pos++;
        }
        this.missingComma('argument list');
        this.expect('OP', ')');
        x = { type: 'call', fun: x, args };
      } else if (this.isOp('.')) {
        this.pos++;
        if (this.tok.kind !== 'IDENT') this.error('selector or type assertion');
        x = { type: 'selector', x, name: this.tok.text };
        this.pos++;
      } else if (this.isOp('[')) {
        this.pos++;
        const index = this.binary(1);
        this.expect('OP', ']');
        x = { type: 'index', x, index };
      } else return x;
    }
  }

  private operand(): Node {
    const t = this.tok;
    if (t.kind === 'IDENT' && !/^(func|map|chan|struct|interface)$/.test(t.text)) {
      this.pos++;
      return { type: 'ident', name: t.text };
    }
    if (t.kind === 'STRING' || t.kind === 'CHAR' || t.kind === 'INT' || t.kind === 'FLOAT' || t.kind === 'IMAG') {
      this.pos++;
      return { type: 'literal', token: t };
    }
    if (this.isOp('(')) {
      this.pos++;
      const x = this.binary(1);
      this.expect('OP', ')');
      return { type: 'paren', x };
    }
    return this.error('operand');
  } // prettier-ignore
}

/** What vulcand/predicate evaluates a node to. */
type Value =
  | { kind: 'tree'; tree: RuleTree }
  | { kind: 'string'; value: string }
  | { kind: 'int' | 'float64' };

function invert(tree: RuleTree): RuleTree {
  if (tree.op === 'matcher') return { ...tree, not: !tree.not };
  return {
    op: tree.op === 'and' ? 'or' : 'and',
    left: invert(tree.left),
    right: invert(tree.right),
  };
}

const NODE_TYPES: Record<Node['type'], string> = {
  binary: '*ast.BinaryExpr', unary: '*ast.UnaryExpr', paren: '*ast.ParenExpr', call: '*ast.CallExpr',
  selector: '*ast.SelectorExpr', index: '*ast.IndexExpr', ident: '*ast.Ident', literal: '*ast.BasicLit',
}; // prettier-ignore

function typeName(v: Value): string {
  if (v.kind === 'tree') return 'rules.TreeBuilder';
  return v.kind;
}

/** vulcand/predicate v1.3.0 `predicateParser` with Traefik's functions and operators. */
class Predicate {
  constructor(private readonly functions: Map<string, string>) {}

  parse(n: Node): Value {
    if (n.type === 'binary') {
      const x = this.parse(n.x);
      const y = this.parse(n.y);
      if (n.op !== '&&' && n.op !== '||')
        throw new RuleSyntaxError(`${n.op} is not supported`);
      return this.join(n.op === '&&' ? 'and' : 'or', x, y);
    }
    if (n.type === 'paren') return this.parse(n.x);
    if (n.type === 'unary') {
      if (n.op !== '!') throw new RuleSyntaxError(`${n.op} is not supported`);
      const x = this.parse(n.x);
      if (x.kind !== 'tree') throw this.callError(x, 'rules.TreeBuilder');
      return { kind: 'tree', tree: invert(x.tree) };
    }
    return this.evaluate(n);
  }

  private join(op: 'and' | 'or', x: Value, y: Value): Value {
    if (x.kind !== 'tree') throw this.callError(x, 'rules.TreeBuilder');
    if (y.kind !== 'tree') throw this.callError(y, 'rules.TreeBuilder');
    return { kind: 'tree', tree: { op, left: x.tree, right: y.tree } };
  }

  private callError(v: Value, expected: string) {
    return new RuleSyntaxError(
      `reflect: Call using ${typeName(v)} as type ${expected}`,
    );
  }

  private evaluate(n: Node): Value {
    switch (n.type) {
      case 'literal': {
        const t = n.token;
        if (t.kind === 'STRING') return { kind: 'string', value: t.value };
        if (t.kind === 'INT') {
          if (!/^[+-]?\d+$/.test(t.text))
            throw new RuleSyntaxError(
              `failed to parse argument: ${t.text}, error: strconv.Atoi: parsing "${t.text}": invalid syntax`,
            );
          return { kind: 'int' };
        }
        if (t.kind === 'FLOAT') return { kind: 'float64' };
        throw new RuleSyntaxError(
          `unsupported function argument type: '${t.kind}'`,
        );
      }
      case 'index':
        throw new RuleSyntaxError('properties are not supported');
      case 'selector': {
        if (n.x.type !== 'ident' && n.x.type !== 'selector')
          throw new RuleSyntaxError(
            `unsupported selector type: ${NODE_TYPES[n.x.type]}`,
          );
        throw new RuleSyntaxError(`${selectorName(n)} is not defined`);
      }
      case 'ident':
        throw new RuleSyntaxError(`${n.name} is not defined`);
      case 'call': {
        let name: string;
        if (n.fun.type === 'ident') name = n.fun.name;
        else if (n.fun.type === 'selector' && n.fun.x.type === 'ident')
          name = `${n.fun.x.name}.${n.fun.name}`;
        else
          throw new RuleSyntaxError(
            n.fun.type === 'selector'
              ? `expected selector identifier, got: ${NODE_TYPES[n.fun.x.type]}`
              : `expected identifier, got: ${NODE_TYPES[n.fun.type]}`,
          );
        const matcher = this.functions.get(name);
        if (matcher === undefined)
          throw new RuleSyntaxError(`unsupported function: ${name}`);
        const values = n.args.map(a => this.evaluate(a));
        return {
          kind: 'tree',
          tree: {
            op: 'matcher',
            matcher,
            not: false,
            values: values.map(v => {
              if (v.kind !== 'string') throw this.callError(v, 'string');
              return v.value;
            }),
          },
        };
      }
      default:
        throw new RuleSyntaxError(`${NODE_TYPES[n.type]} is not supported`);
    }
  }
}

function selectorName(n: Node): string {
  if (n.type === 'ident') return n.name;
  if (n.type === 'selector') return `${selectorName(n.x)}.${n.name}`;
  return '';
}

/**
 * The names a matcher is known by (Traefik's `rules.NewParser`): as declared, lower case,
 * upper case, and the title case of the lower case (`Pathprefix`), and no other.
 */
export function matcherSpellings(name: string): string[] {
  const lower = name.toLowerCase();
  return [
    name,
    lower,
    name.toUpperCase(),
    lower[0].toUpperCase() + lower.slice(1),
  ];
}

/**
 * Parses a rule into Traefik's tree; throws {@link RuleSyntaxError} with the reason Traefik's
 * parser gives. `matchers` are the declared matcher names of the rule syntax.
 */
export function parseRuleTree(rule: string, matchers: string[]): RuleTree {
  const functions = new Map<string, string>();
  for (const m of matchers)
    for (const s of matcherSpellings(m)) functions.set(s, m);
  const ast = new GoExprParser(rule).parse();
  const value = new Predicate(functions).parse(ast);
  if (value.kind !== 'tree') throw new RuleSyntaxError('obtaining build tree');
  return value.tree;
}
