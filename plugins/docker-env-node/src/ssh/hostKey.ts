import { assertSha256Fingerprint } from '../validation';

/**
 * Converts the hex SHA-256 digest that ssh2 passes to `hostVerifier` (with `hostHash: 'sha256'`)
 * into OpenSSH's `SHA256:<unpadded base64>` form.
 */
export function hexDigestToOpenSshFingerprint(hex: string): string {
  if (!/^[0-9a-f]{64}$/i.test(hex)) {
    throw new Error('host key digest must be 64 hex characters');
  }
  return `SHA256:${Buffer.from(hex, 'hex').toString('base64').replace(/=+$/, '')}`;
}

/**
 * A host verifier for ssh2 that accepts only the pinned key. `onMismatch` receives the
 * fingerprint the server presented, for the error message.
 */
export function pinnedHostVerifier(
  expectedFingerprint: string,
  onMismatch: (presented: string) => void,
): (hexDigest: string) => boolean {
  const expected = assertSha256Fingerprint(expectedFingerprint, 'hostKeySha256');
  return (hexDigest: string) => {
    let presented: string;
    try {
      presented = hexDigestToOpenSshFingerprint(hexDigest);
    } catch {
      onMismatch('(unreadable)');
      return false;
    }
    if (presented === expected) return true;
    onMismatch(presented);
    return false;
  };
}
