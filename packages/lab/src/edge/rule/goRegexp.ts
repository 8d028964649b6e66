/**
 * Go's `regexp.Compile` (RE2 syntax) for the regexp matchers, as a JavaScript RegExp: what Go
 * refuses is refused with Go's reason (backreferences, lookaround, unknown escapes, repeat counts
 * over 1000), and Go's meanings are kept where JavaScript's differ (`.` and `\s`, `\z`, `\A`,
 * `\Q…\E`, octal escapes, POSIX classes, a leading `]` in a class).
 */
import { RuleSyntaxError } from './scanner';

/** A valid Go regexp the lab does not translate (a documented difference from Traefik). */
export class UnsupportedRegexpError extends RuleSyntaxError {}

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7f', blank: '\\t ', cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-/:-@[-`{-~',
  space: '\\t\\n\\v\\f\\r ', upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
}; // prettier-ignore
const SPACE = '\\t\\n\\f\\r ';
const NOT_SPACE = '\\x00-\\x08\\x0b\\x0e-\\x1f\\x21-\\uffff';

function goError(message: string): never {
  throw new RuleSyntaxError(`error parsing regexp: ${message}`);
}

function unsupported(what: string): never {
  throw new UnsupportedRegexpError(
    `${what} in a regexp is not simulated by the lab edge`,
  );
}

function literal(code: number): string {
  return code > 0xffff
    ? String.fromCodePoint(code)
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Reads the escape at `expr[i] === '\\'`; returns its JavaScript form and the next index. */
function translateEscape(
  expr: string,
  i: number,
  inClass: boolean,
): [string, number] {
  const c = expr[i + 1];
  if (c === undefined) goError('trailing backslash at end of expression');
  if (/[0-7]/.test(c)) {
    if (c !== '0' && !/[0-7]/.test(expr[i + 2] ?? ''))
      goError(`invalid escape sequence: \`\\${c}\``);
    const digits = /^[0-7]{1,3}/.exec(expr.slice(i + 1))![0];
    return [literal(parseInt(digits, 8)), i + 1 + digits.length];
  }
  if (c === 'x') {
    const braced = /^\{([0-9a-fA-F]+)\}/.exec(expr.slice(i + 2));
    if (braced) {
      const code = parseInt(braced[1], 16);
      if (code > 0x10ffff)
        goError(`invalid escape sequence: \`\\x{${braced[1]}}\``);
      return [literal(code), i + 2 + braced[0].length];
    }
    if (!/^[0-9a-fA-F]{2}/.test(expr.slice(i + 2)))
      goError(`invalid escape sequence: \`${expr.slice(i, i + 4)}\``);
    return [`\\x${expr.slice(i + 2, i + 4)}`, i + 4];
  }
  const simple: Record<string, string> = {
    a: '\\x07', f: '\\f', t: '\\t', n: '\\n', r: '\\r', v: '\\v', d: '\\d', D: '\\D', w: '\\w', W: '\\W',
  }; // prettier-ignore
  if (c in simple) return [simple[c], i + 2];
  if (c === 's') return [inClass ? SPACE : `[${SPACE}]`, i + 2];
  if (c === 'S') return [inClass ? NOT_SPACE : `[^${SPACE}]`, i + 2];
  if (!inClass) {
    if (c === 'b' || c === 'B') return [`\\${c}`, i + 2];
    if (c === 'A') return ['(?<![\\s\\S])', i + 2];
    if (c === 'z') return ['(?![\\s\\S])', i + 2];
    if (c === 'Q') {
      const end = expr.indexOf('\\E', i + 2);
      const text = expr.slice(i + 2, end < 0 ? expr.length : end);
      const quoted = text.replace(/[\\^$.*+?()[\]{}|/-]/g, m => `\\${m}`);
      return [
        quoted === '' ? '' : `(?:${quoted})`,
        end < 0 ? expr.length : end + 2,
      ];
    }
  }
  if (c === 'p' || c === 'P') unsupported('a Unicode class (\\p)');
  if (c.charCodeAt(0) < 0x80 && !/[0-9A-Za-z]/.test(c))
    return [`\\${c}`, i + 2];
  return goError(`invalid escape sequence: \`\\${c}\``);
}

function translateClass(expr: string, start: number): [string, number] {
  let i = start + 1;
  let out = '[';
  if (expr[i] === '^') {
    out += '^';
    i++;
  }
  let first = true;
  for (;;) {
    if (i >= expr.length)
      goError(`missing closing ]: \`${expr.slice(start)}\``);
    const c = expr[i];
    if (c === ']' && !first) return [`${out}]`, i + 1];
    first = false;
    if (c === '[' && expr[i + 1] === ':') {
      const m = /^\[:(\^?)([a-z]+):\]/.exec(expr.slice(i));
      if (m && POSIX[m[2]] !== undefined) {
        if (m[1]) unsupported('a negated POSIX class');
        out += POSIX[m[2]];
        i += m[0].length;
        continue;
      }
      if (m) goError(`invalid character class range: \`${m[0]}\``);
    }
    if (c === '\\') {
      const [js, next] = translateEscape(expr, i, true);
      out += js;
      i = next;
    } else {
      out += c === ']' || c === '[' || c === '/' ? `\\${c}` : c;
      i++;
    }
  }
}

/**
 * Compiles a Go regexp; throws {@link RuleSyntaxError} with Go's reason when Go refuses it, or
 * {@link UnsupportedRegexpError} for Go syntax the lab does not translate.
 */
export function compileGoRegexp(expr: string): RegExp {
  let flags = '';
  let i = 0;
  const lead = /^\(\?([imsU]+)\)/.exec(expr);
  if (lead) {
    if (lead[1].includes('U')) unsupported('the U flag');
    flags = [...new Set(lead[1])].join('');
    i = lead[0].length;
  }
  const dotAll = flags.includes('s');
  let out = '';
  let prevRepeat = false;
  while (i < expr.length) {
    const c = expr[i];
    let repeat = false;
    if (c === '\\') {
      const [js, next] = translateEscape(expr, i, false);
      out += js;
      i = next;
    } else if (c === '[') {
      const [js, next] = translateClass(expr, i);
      out += js;
      i = next;
    } else if (c === '(' && expr[i + 1] === '?') {
      const rest = expr.slice(i);
      const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(rest);
      if (rest.startsWith('(?:')) {
        out += '(?:';
        i += 3;
      } else if (named) {
        out += `(?<${named[1]}>`;
        i += named[0].length;
      } else if (/^\(\?P?</.test(rest)) {
        // lookbehind included: Go reads (?< as a named group
        const close = rest.indexOf('>');
        goError(
          `invalid named capture: \`${
            close < 0 ? rest : rest.slice(0, close + 1)
          }\``,
        );
      } else if (/^\(\?-?[imsU]+(-[imsU]*)?[:)]/.test(rest)) {
        unsupported('a flag group other than a leading (?flags)');
      } else {
        goError(`invalid or unsupported Perl syntax: \`${rest.slice(0, 3)}\``);
      }
    } else if (c === '.') {
      out += dotAll ? '[\\s\\S]' : '[^\\n]';
      i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(expr.slice(i));
      if (m) {
        if (Number(m[1]) > 1000 || (m[3] && Number(m[3]) > 1000))
          goError(`invalid repeat count: \`${m[0]}\``);
        if (prevRepeat)
          goError(`invalid nested repetition operator: \`${m[0]}\``);
        repeat = true;
        out += m[0];
        i += m[0].length;
      } else {
        out += '\\{';
        i++;
      }
    } else if (c === '*' || c === '+' || c === '?') {
      if (prevRepeat && c !== '?')
        goError(
          `invalid nested repetition operator: \`${expr.slice(i - 1, i + 1)}\``,
        );
      repeat = c !== '?' || !prevRepeat;
      out += c;
      i++;
    } else {
      out += c === '/' || c === '}' ? `\\${c}` : c;
      i++;
    }
    prevRepeat = repeat;
  }
  try {
    return new RegExp(out, flags);
  } catch (e) {
    return goError(
      (e as Error).message.replace(/^Invalid regular expression: /, ''),
    );
  }
}
