import { InputError } from '@backstage/errors';

/**
 * Quotes one argument for POSIX sh: wraps it in single quotes, inside which nothing is special,
 * and writes each embedded `'` as `'\''`. Newlines, `$`, backticks and quotes arrive verbatim.
 *
 * @public
 */
export function shellQuote(arg: string): string {
  if (typeof arg !== 'string')
    throw new InputError('command: every argument must be a string');
  if (arg.includes('\0'))
    throw new InputError('command: arguments cannot contain NUL bytes');
  // bare words only when no shell gives them meaning (zsh expands a leading `=`, so quote that)
  if (/^[A-Za-z0-9_/.-][A-Za-z0-9_@%+=:,./-]*$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Joins an argv into one POSIX sh command line with every argument quoted.
 *
 * @public
 */
export function shellCommand(argv: string[]): string {
  if (!Array.isArray(argv) || argv.length === 0) {
    throw new InputError('command: must be a non-empty list of arguments');
  }
  return argv.map(shellQuote).join(' ');
}
