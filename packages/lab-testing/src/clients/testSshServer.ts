import { createHash, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import { Connection, Server, utils, type ServerChannel } from 'ssh2';

/**
 * An ed25519 key pair that ssh2 can read back: about 1 in 200 keys from ssh2's own
 * generateKeyPairSync fail its OpenSSH parser ("Malformed OpenSSH private key").
 */
export function generateParsableKeyPair() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error)) return pair;
  }
  throw new Error('ssh2 generated no parsable ed25519 key in 50 attempts');
}

/** A test SSH server (see {@link startTestSshServer}). */
export interface TestSshServer {
  port: number;
  /** Its host key's fingerprint, `SHA256:<base64>` as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** Every command a client ran, in order. */
  commands: string[];
  /** Ends every connection (a refused handshake may still be mid-exchange) and stops listening. */
  close(): Promise<void>;
}

/**
 * An SSH server with a fresh host key that lets `username` in with `clientPublicKey` only and hands each exec to
 * `onExec` (which answers on the channel and ends it).
 */
export async function startTestSshServer(options: {
  host?: string;
  port?: number;
  username: string;
  clientPublicKey: string;
  onExec(command: string, channel: ServerChannel): void;
}): Promise<TestSshServer> {
  const hostKey = generateParsableKeyPair();
  const allowed = utils.parseKey(options.clientPublicKey) as any;
  const commands: string[] = [];
  const clients = new Set<Connection>();
  const server = new Server({ hostKeys: [hostKey.private] }, client => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', ctx => {
      if (ctx.method !== 'publickey' || ctx.username !== options.username)
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
        options.onExec(info.command, acceptExec());
      });
    });
  });
  await new Promise<void>(resolve =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () =>
      resolve(),
    ),
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
    async close() {
      for (const client of clients) client.end();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
