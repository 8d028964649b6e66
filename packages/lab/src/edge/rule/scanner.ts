/**
 * The part of Go's scanner (`go/scanner`) that Traefik's rule parser sees: vulcand/predicate
 * hands the rule to `go/parser.ParseExpr`, so a rule is tokenized exactly as a Go expression
 * (whitespace, comments, automatic semicolons at newlines, Go string escapes).
 */

/** A rule that Traefik refuses, with the reason it would give. */
export class RuleSyntaxError extends Error {}

/** A Go token: literal kinds carry their value, operators their spelling. */
export type Token =
  | { kind: 'IDENT'; text: string; at: number }
  | { kind: 'STRING'; text: string; value: string; at: number }
  | { kind: 'CHAR' | 'INT' | 'FLOAT' | 'IMAG'; text: string; at: number }
  | { kind: 'OP'; text: string; at: number }
  /** An automatic semicolon (`text` is `\n`) or a written one (`;`). */
  | { kind: 'SEMI'; text: string; at: number }
  | { kind: 'EOF'; text: ''; at: number };

const KEYWORDS = new Set(
  'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var'.split(
    ' ',
  ),
);

/** Go's operators and punctuation, longest first. */
const OPERATORS = [
  '&^=', '<<=', '>>=', '...', '&&', '||', '<-', '++', '--', '==', '!=', '<=', '>=', ':=',
  '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<', '>>', '&^', '+', '-', '*', '/',
  '%', '&', '|', '^', '<', '>', '=', '!', '(', ')', '[', ']', '{', '}', ',', ';', '.', ':', '~',
]; // prettier-ignore

const IDENT = /[\p{L}_][\p{L}\p{Nd}_]*/uy;
const NUMBER =
  /(?:0[xX][0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?\d+)?|0[bB][01_]*|0[oO][0-7_]*|(?:\d[\d_]*(?:\.\d*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)i?/y;

function operatorAt(src: string, at: number): string | undefined {
  return OPERATORS.find(o => src.startsWith(o, at));
}

/** Go's token kind of a number literal. */
function numberKind(text: string): 'INT' | 'FLOAT' | 'IMAG' {
  if (text.endsWith('i')) return 'IMAG';
  if (/^0[xX]/.test(text)) return /[.pP]/.test(text) ? 'FLOAT' : 'INT';
  return /[.eE]/.test(text) && !/^0[bBoO]/.test(text) ? 'FLOAT' : 'INT';
}

/** `line:column` of a byte offset, as Go's error positions (1-based; column in bytes). */
export function position(src: string, at: number): string {
  const before = src.slice(0, at);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  return `${line}:${Buffer.byteLength(before.slice(lineStart)) + 1}`;
}

function fail(src: string, at: number, message: string): never {
  throw new RuleSyntaxError(`${position(src, at)}: ${message}`);
}

/** Go's `%#U`: `U+0023 '#'`. */
function codePoint(s: string): string {
  const cp = s.codePointAt(0)!;
  return `U+${cp
    .toString(16)
    .toUpperCase()
    .padStart(4, '0')} '${String.fromCodePoint(cp)}'`;
}

/** Reads the escape after a backslash at `i` into `bytes`; returns the index after it. */
function escape(
  src: string,
  i: number,
  quote: string,
  bytes: number[],
): number {
  const c = src[i];
  const simple: Record<string, number> = {
    a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92,
  }; // prettier-ignore
  if (c in simple) {
    bytes.push(simple[c]);
    return i + 1;
  }
  if (c === quote) {
    bytes.push(quote.charCodeAt(0));
    return i + 1;
  }
  const hex = (n: number, base: number, max: number, asRune: boolean) => {
    const from = i + (base === 8 ? 0 : 1);
    const digit = base === 8 ? /[0-7]/ : /[0-9a-fA-F]/;
    for (let j = from; j < from + n; j++) {
      if (j >= src.length) fail(src, j, 'escape sequence not terminated');
      if (!digit.test(src[j]))
        fail(
          src,
          j,
          `illegal character ${codePoint(src.slice(j))} in escape sequence`,
        );
    }
    const value = parseInt(src.slice(from, from + n), base);
    if (value > max || (asRune && value >= 0xd800 && value < 0xe000))
      fail(src, i, 'escape sequence is invalid Unicode code point');
    if (asRune) bytes.push(...Buffer.from(String.fromCodePoint(value)));
    else bytes.push(value);
    return from + n;
  };
  if (c >= '0' && c <= '7') return hex(3, 8, 255, false);
  if (c === 'x') return hex(2, 16, 255, false);
  if (c === 'u') return hex(4, 16, 0x10ffff, true);
  if (c === 'U') return hex(8, 16, 0x10ffff, true);
  return fail(src, i, 'unknown escape sequence');
}

/** Splits a rule into Go tokens, inserting semicolons where Go's scanner does. */
export function* scan(src: string): Generator<Token, void> {
  let last: Token | undefined;
  let i = src.startsWith('\ufeff') ? 1 : 0;
  // whether a newline (or the end) here ends a statement, as in Go
  const insertSemi = () => {
    if (!last) return false;
    if (last.kind === 'IDENT') return !KEYWORDS.has(last.text) || /^(break|continue|fallthrough|return)$/.test(last.text);
    if (last.kind === 'OP') return [')', ']', '}', '++', '--'].includes(last.text);
    return last.kind !== 'SEMI' && last.kind !== 'EOF';
  }; // prettier-ignore
  function* newline(at: number): Generator<Token, void> {
    if (insertSemi()) yield (last = { kind: 'SEMI', text: '\n', at });
  }
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '\n') {
      yield* newline(i);
      i++;
    } else if (src.startsWith('//', i)) {
      const end = src.indexOf('\n', i);
      if (end < 0) i = src.length;
      else {
        yield* newline(i);
        i = end + 1;
      }
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) fail(src, i, 'comment not terminated');
      if (src.slice(i, end).includes('\n')) yield* newline(i);
      i = end + 2;
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) fail(src, i, 'raw string literal not terminated');
      const value = src.slice(i + 1, end).replace(/\r/g, '');
      yield (last = {
        kind: 'STRING',
        text: src.slice(i, end + 1),
        value,
        at: i,
      });
      i = end + 1;
    } else if (c === '"' || c === "'") {
      // Go reports an unterminated literal at its start, before any escape error in it
      let end = i + 1;
      while (end < src.length && src[end] !== c && src[end] !== '\n')
        end += src[end] === '\\' && src[end + 1] !== '\n' ? 2 : 1;
      if (end >= src.length || src[end] !== c)
        fail(src, i, `${c === '"' ? 'string' : 'rune'} literal not terminated`);
      const bytes: number[] = [];
      let j = i + 1;
      while (j < end) {
        if (src[j] === '\\') j = escape(src, j + 1, c, bytes);
        else {
          const cp = String.fromCodePoint(src.codePointAt(j)!);
          bytes.push(...Buffer.from(cp));
          j += cp.length;
        }
      }
      const text = src.slice(i, j + 1);
      if (c === '"')
        yield (last = {
          kind: 'STRING',
          text,
          value: Buffer.from(bytes).toString('utf8'),
          at: i,
        });
      else yield (last = { kind: 'CHAR', text, at: i });
      i = j + 1;
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(src[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      const text = NUMBER.exec(src)![0];
      yield (last = { kind: numberKind(text), text, at: i });
      i += text.length;
    } else {
      IDENT.lastIndex = i;
      const ident = IDENT.exec(src);
      if (ident) {
        yield (last = { kind: 'IDENT', text: ident[0], at: i });
        i += ident[0].length;
        continue;
      }
      const op = operatorAt(src, i);
      if (!op && (c === '\u201c' || c === '\u201d'))
        fail(src, i, `curly quotation mark '${c}' (use neutral '"')`);
      if (!op) fail(src, i, `illegal character ${codePoint(src.slice(i))}`);
      yield (last =
        op === ';'
          ? { kind: 'SEMI', text: ';', at: i }
          : { kind: 'OP', text: op, at: i });
      i += op.length;
    }
  }
  yield* newline(src.length);
  yield (last = { kind: 'EOF', text: '', at: src.length });
}
