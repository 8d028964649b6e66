import { InputError } from '@backstage/errors';
import { DockerEngineSimulator } from '@docker-env/lab';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { UpstreamApiError } from '../errors';
import { normaliseHostKeySha256, pinnedHostVerifier } from '../ssh/hostKey';
import { DockerClient } from './DockerClient';
import {
  generateParsableKeyPair,
  startTestSshServer,
} from '@docker-env/lab-testing/clients/testSshServer';

/**
 * An SSH server on 127.0.0.1 that does what a guest's sshd + `docker system dial-stdio` do:
 * each exec of that command is piped to the (lab) engine's TCP port.
 */
function startDialStdioServer(enginePort: number, clientPublicKey: string) {
  return startTestSshServer({
    username: 'deploy',
    clientPublicKey,
    onExec(command, stream) {
      if (command !== 'docker system dial-stdio') {
        stream.exit(127);
        stream.end();
        return;
      }
      const upstream = net.connect(enginePort, '127.0.0.1');
      stream.pipe(upstream).pipe(stream);
      upstream.on('error', () => stream.end());
      upstream.on('close', () => {
        stream.exit(0);
        stream.end();
      });
    },
  });
}

describe('DockerClient over SSH with a pinned host key', () => {
  let sim: DockerEngineSimulator;
  let ssh: Awaited<ReturnType<typeof startDialStdioServer>>;
  const clientKey = generateParsableKeyPair();

  beforeAll(async () => {
    sim = await DockerEngineSimulator.start({
      latencyScale: 0,
      images: ['nginx:latest'],
    });
    ssh = await startDialStdioServer(sim.port, clientKey.public);
  });
  afterAll(async () => {
    await ssh.close();
    await sim.stop();
  });

  const spec = (hostKeySha256: string) => ({
    kind: 'ssh' as const,
    host: '127.0.0.1',
    port: ssh.port,
    username: 'deploy',
    privateKey: clientKey.private,
    hostKeySha256,
  });

  it('talks to the engine through `docker system dial-stdio` when the host key matches', async () => {
    const client = new DockerClient(spec(ssh.fingerprint), { timeoutMs: 5000 });
    await client.ping();
    await client.createContainer({ name: 'over-ssh', image: 'nginx:latest' });
    expect((await client.inspect('over-ssh')).name).toBe('over-ssh');
    expect(ssh.commands.every(c => c === 'docker system dial-stdio')).toBe(
      true,
    );
    expect(ssh.commands.length).toBeGreaterThanOrEqual(3);
  });

  it('accepts the hex form of the same fingerprint', async () => {
    const hex = normaliseHostKeySha256(ssh.fingerprint);
    await expect(
      new DockerClient(spec(hex.toUpperCase())).ping(),
    ).resolves.toBeUndefined();
  });

  it('refuses a host whose key does not match, before any command runs', async () => {
    const before = ssh.commands.length;
    const other = `SHA256:${createHash('sha256')
      .update('another key')
      .digest('base64')
      .replace(/=+$/, '')}`;
    const err = await new DockerClient(spec(other), { timeoutMs: 5000 })
      .ping()
      .catch(e => e);
    expect(err).toBeInstanceOf(UpstreamApiError);
    expect(err.system).toBe('docker');
    expect(err.message).toMatch(/Host denied \(verification failed\)/);
    expect(ssh.commands.length).toBe(before);
  });

  it('requires a well-formed pinned key (never accepts any key)', () => {
    expect(() => new DockerClient(spec(''))).toThrow(InputError);
    expect(() => new DockerClient(spec('SHA256:short'))).toThrow(
      /connection.hostKeySha256: must be SHA256/,
    );
    expect(
      () =>
        new DockerClient({ ...spec(ssh.fingerprint), username: 'root; rm' }),
    ).toThrow(/connection.username/);
  });

  it('compares the hex digest ssh2 passes with the base64 OpenSSH form', () => {
    const digest = createHash('sha256').update('key-blob').digest();
    const openssh = `SHA256:${digest.toString('base64').replace(/=+$/, '')}`;
    const verify = pinnedHostVerifier(normaliseHostKeySha256(openssh));
    expect(verify(digest.toString('hex'))).toBe(true);
    expect(verify(createHash('sha256').update('other').digest('hex'))).toBe(
      false,
    );
    expect(verify(digest.toString('base64'))).toBe(false);
  });
});
