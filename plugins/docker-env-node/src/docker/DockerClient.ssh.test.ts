import { InputError } from '@backstage/errors';
import { DockerEngineSimulator } from '@docker-env/lab';
import { createHash, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import { Connection, Server, utils } from 'ssh2';
import { UpstreamApiError } from '../errors';
import { normaliseHostKeySha256, pinnedHostVerifier } from '../ssh/hostKey';
import { DockerClient } from './DockerClient';

/**
 * An SSH server on 127.0.0.1 that does what a guest's sshd + `docker system dial-stdio` do:
 * each exec of that command is piped to the (lab) engine's TCP port.
 */
/**
 * An ed25519 key pair that ssh2 can read back: about 1 in 200 keys from ssh2's own
 * generateKeyPairSync fail its OpenSSH parser ("Malformed OpenSSH private key").
 */
function generateParsableKeyPair() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error)) return pair;
  }
  throw new Error('ssh2 generated no parsable ed25519 key in 50 attempts');
}

async function startDialStdioServer(
  enginePort: number,
  clientPublicKey: string,
) {
  const hostKey = generateParsableKeyPair();
  const allowed = utils.parseKey(clientPublicKey) as any;
  const commands: string[] = [];
  const clients = new Set<Connection>();
  const server = new Server({ hostKeys: [hostKey.private] }, client => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', ctx => {
      if (ctx.method !== 'publickey' || ctx.username !== 'deploy')
        return ctx.reject(['publickey']);
      const key = ctx.key;
      const same =
        key.algo === allowed.type &&
        key.data.length === allowed.getPublicSSH().length &&
        timingSafeEqual(key.data, allowed.getPublicSSH());
      if (!same) return ctx.reject(['publickey']);
      if (
        ctx.signature &&
        !allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo)
      )
        return ctx.reject(['publickey']);
      return ctx.accept();
    });
    client.on('session', accept => {
      accept().on('exec', (acceptExec, _reject, info) => {
        commands.push(info.command);
        const stream = acceptExec();
        if (info.command !== 'docker system dial-stdio') {
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
      });
    });
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const blob = (utils.parseKey(hostKey.public) as any).getPublicSSH() as Buffer;
  const fingerprint = `SHA256:${createHash('sha256')
    .update(blob)
    .digest('base64')
    .replace(/=+$/, '')}`;
  return {
    port: (server.address() as net.AddressInfo).port,
    fingerprint,
    commands,
    /** Ends every connection (a refused handshake may still be mid-exchange) and stops listening. */
    async close() {
      for (const client of clients) client.end();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
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
