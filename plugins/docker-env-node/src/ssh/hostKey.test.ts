import { createHash } from 'node:crypto';
import { hexDigestToOpenSshFingerprint, pinnedHostVerifier } from './hostKey';

const key = Buffer.from('an ssh host key blob');
const hex = createHash('sha256').update(key).digest('hex');
const openssh = `SHA256:${createHash('sha256')
  .update(key)
  .digest('base64')
  .replace(/=+$/, '')}`;

describe('host key pinning', () => {
  it('converts ssh2 hex digests to the OpenSSH SHA256:<base64> form', () => {
    expect(hexDigestToOpenSshFingerprint(hex)).toBe(openssh);
    expect(openssh).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(() => hexDigestToOpenSshFingerprint('zz')).toThrow();
  });

  it('accepts only the pinned key and reports what the server presented', () => {
    const seen: string[] = [];
    const verify = pinnedHostVerifier(openssh, p => seen.push(p));
    expect(verify(hex)).toBe(true);
    const other = createHash('sha256').update('other').digest('hex');
    expect(verify(other)).toBe(false);
    expect(verify('not-hex')).toBe(false);
    expect(seen).toEqual([
      hexDigestToOpenSshFingerprint(other),
      '(unreadable)',
    ]);
    // a trailing "=" as some tools print it is accepted, and so is the hex form of the digest
    expect(pinnedHostVerifier(`${openssh}=`, () => undefined)(hex)).toBe(true);
    expect(pinnedHostVerifier(hex.toUpperCase())(hex)).toBe(true);
    expect(pinnedHostVerifier(hex)(other)).toBe(false);
  });

  it.each([
    '',
    'MD5:aa:bb',
    hex.slice(1),
    'SHA256:short',
    `sha256:${openssh.slice(7)}`,
  ])('refuses the malformed pin %j', pin => {
    expect(() => pinnedHostVerifier(pin, () => undefined)).toThrow(
      /hostKeySha256/,
    );
  });
});
