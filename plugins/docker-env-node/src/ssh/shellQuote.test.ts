import { execFileSync } from 'node:child_process';
import { shellCommand, shellQuote } from './shellQuote';

// Checked against the local POSIX sh (dash on Debian) as well as the remote one in SshClient.test.ts.
function roundTrip(args: string[]): string[] {
  const out = execFileSync('/bin/sh', [
    '-c',
    `printf '%s\\0' ${args.map(shellQuote).join(' ')}`,
  ]);
  return out.toString('utf8').split('\0').slice(0, -1);
}

const hostile = [
  '$(rm -rf /)',
  '`id`',
  "it's",
  '"double" quotes',
  "'",
  "''",
  'a\nb\nc',
  '; echo pwned',
  '&& false || true',
  '$HOME ${PATH} $1 $@ $*',
  '\\ back\\slash\\',
  '-n',
  '*',
  '~root',
  '',
  ' leading and trailing ',
  'tab\there',
  'ünïcødé ✓',
  '!history',
];

describe('shellQuote', () => {
  it.each(hostile)('passes %j through sh verbatim', arg => {
    expect(roundTrip([arg])).toEqual([arg]);
  });

  it('keeps argument boundaries', () => {
    expect(roundTrip(hostile)).toEqual(hostile);
  });

  it('leaves plain words readable and quotes everything else', () => {
    expect(shellQuote('docker')).toBe('docker');
    expect(shellQuote('/etc/apt/keyrings')).toBe('/etc/apt/keyrings');
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
    expect(shellCommand(['echo', 'a b'])).toBe("echo 'a b'");
  });

  it('refuses NUL bytes, non-strings and empty commands', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
    expect(() => shellQuote(1 as unknown as string)).toThrow(/string/);
    expect(() => shellCommand([])).toThrow(/non-empty/);
  });
});
