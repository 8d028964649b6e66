import { Client } from 'ssh2';
import { hexDigestToOpenSshFingerprint } from '@docker-env/plugin-docker-env-node';

/**
 * Learns a host's SSH key fingerprint (`SHA256:<base64>`) at first contact: the handshake is
 * stopped at host verification, so nothing is authenticated or sent. The caller pins the answer.
 *
 * @public
 */
export function scanHostKey(
  host: string,
  port: number,
  signal: AbortSignal,
  timeoutMs = 10_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seen: string | undefined;
    const onAbort = () => client.end();
    signal.addEventListener('abort', onAbort, { once: true });
    const done = (err?: Error) => {
      signal.removeEventListener('abort', onAbort);
      client.end();
      if (seen) resolve(hexDigestToOpenSshFingerprint(seen));
      else reject(err ?? new Error(`ssh ${host}:${port}: no host key`));
    };
    client.on('error', done);
    client.on('close', () => done());
    client.connect({
      host,
      port,
      username: 'docker-env-hostkey-scan',
      readyTimeout: timeoutMs,
      hostHash: 'sha256',
      hostVerifier: (hex: string) => {
        seen = hex;
        return false;
      },
    } as never);
  });
}
