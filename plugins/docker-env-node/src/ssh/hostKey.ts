import { InputError } from '@backstage/errors';
import { timingSafeEqual } from 'node:crypto';

/**
 * Converts the hex SHA-256 digest that ssh2 passes to `hostVerifier` (with `hostHash: 'sha256'`)
 * into OpenSSH's `SHA256:<unpadded base64>` form.
 *
 * @public
 */
export function hexDigestToOpenSshFingerprint(hex: string): string {
  if (!/^[0-9a-f]{64}$/i.test(hex)) {
    throw new Error('host key digest must be 64 hex characters');
  }
  return `SHA256:${Buffer.from(hex, 'hex')
    .toString('base64')
    .replace(/=+$/, '')}`;
}

/**
 * Normalises a pinned SSH host key fingerprint to lowercase hex: accepts OpenSSH's
 * `SHA256:<base64>` (padding optional, as `ssh-keygen -lf` prints it) or 64 hex digits.
 *
 * @public
 */
export function normaliseHostKeySha256(
  value: unknown,
  field = 'hostKeySha256',
): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InputError(
      `${field}: is required (SHA256:<base64> as printed by ssh-keygen -lf, or 64 hex digits)`,
    );
  }
  const v = value.trim();
  if (/^[a-fA-F0-9]{64}$/.test(v)) return v.toLowerCase();
  const m = /^SHA256:([A-Za-z0-9+/]{43})=?$/.exec(v);
  if (m) {
    const bytes = Buffer.from(m[1], 'base64');
    if (bytes.length === 32) return bytes.toString('hex');
  }
  throw new InputError(
    `${field}: must be SHA256:<43 base64 characters> or 64 hex digits`,
  );
}

/**
 * A host verifier for ssh2 (with `hostHash: 'sha256'`) that accepts only the pinned key, given
 * in either form {@link normaliseHostKeySha256} takes. `onMismatch` receives the fingerprint the
 * server presented (OpenSSH form), for the error message.
 *
 * @public
 */
export function pinnedHostVerifier(
  expectedFingerprint: string,
  onMismatch: (presented: string) => void = () => undefined,
): (hexDigest: string) => boolean {
  const expected = Buffer.from(
    normaliseHostKeySha256(expectedFingerprint),
    'hex',
  );
  return (hexDigest: string) => {
    if (typeof hexDigest !== 'string' || !/^[0-9a-f]{64}$/i.test(hexDigest)) {
      onMismatch('(unreadable)');
      return false;
    }
    const presented = Buffer.from(hexDigest, 'hex');
    if (timingSafeEqual(presented, expected)) return true;
    onMismatch(hexDigestToOpenSshFingerprint(hexDigest));
    return false;
  };
}
