import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { UpstreamApiError } from '../errors';
import { DockerClient } from './DockerClient';

/**
 * A hung engine that keeps its connection busy: it starts an HTTP answer and then trickles a
 * header line every 20 ms without ever finishing, so a socket idle timeout never fires and only
 * the client's own deadline can end the call.
 */
async function startTricklingEngine() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer(socket => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\n');
      const timer = setInterval(
        () => socket.write('X-Still-Thinking: 1\r\n'),
        20,
      );
      socket.on('close', () => {
        clearInterval(timer);
        sockets.delete(socket);
      });
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise(r => server.close(r));
    },
  };
}

describe('DockerClient against a hung engine', () => {
  let engine: Awaited<ReturnType<typeof startTricklingEngine>>;
  let client: DockerClient;
  const timeoutMs = 300;

  beforeAll(async () => {
    engine = await startTricklingEngine();
    client = new DockerClient(
      {
        kind: 'tcp',
        host: '127.0.0.1',
        port: engine.port,
        allowInsecure: true,
      },
      { timeoutMs, pullTimeoutMs: 2000 },
    );
  });
  afterAll(async () => {
    await engine.close();
  });

  const calls: Array<[string, () => Promise<unknown>]> = [
    ['ping', () => client.ping()],
    ['pullImage', () => client.pullImage('nginx:latest')],
    [
      'createContainer',
      () => client.createContainer({ name: 'web', image: 'nginx:latest' }),
    ],
    ['start', () => client.start('web')],
    ['stop', () => client.stop('web', { timeoutSeconds: 0 })],
    ['restart', () => client.restart('web', { timeoutSeconds: 0 })],
    ['remove', () => client.remove('web')],
    ['rename', () => client.rename('web', 'web2')],
    ['inspect', () => client.inspect('web')],
    ['listContainers', () => client.listContainers()],
    ['logs', () => client.logs('web')],
    ['streamLogs', () => client.streamLogs('web', { onChunk: () => {} })],
    ['stats', () => client.stats('web')],
    [
      'waitForHealthy',
      () => client.waitForHealthy('web', { tries: 1, intervalMs: 0 }),
    ],
    ['subscribeEvents', () => client.subscribeEvents(() => {})],
  ];

  it.each(calls)('%s gives up at its deadline', async (_name, call) => {
    const started = Date.now();
    const error = await call().then(
      () => undefined,
      e => e,
    );
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(UpstreamApiError);
    expect(error).toMatchObject({ system: 'docker', reason: 'ETIMEDOUT' });
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 20);
    expect(elapsed).toBeLessThan(timeoutMs + 1500);
  });

  it('gives up on a pull whose progress never ends at the pull deadline', async () => {
    const server = net.createServer(socket => {
      socket.on('error', () => {});
      socket.once('data', () => {
        socket.write(
          'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
        );
        const line = `${JSON.stringify({ status: 'Downloading' })}\n`;
        const chunk = `${Buffer.byteLength(line).toString(16)}\r\n${line}\r\n`;
        const timer = setInterval(() => socket.write(chunk), 20);
        socket.on('close', () => clearInterval(timer));
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    try {
      const slow = new DockerClient(
        {
          kind: 'tcp',
          host: '127.0.0.1',
          port: (server.address() as AddressInfo).port,
          allowInsecure: true,
        },
        { timeoutMs: 1000, pullTimeoutMs: 400 },
      );
      await expect(slow.pullImage('nginx:latest')).rejects.toThrow(
        /not finished after 400 ms/,
      );
    } finally {
      server.close();
    }
  });
});

/** An engine that answers a stop only after `delayMs` (the grace period), silent until then. */
async function startSlowStopEngine(delayMs: number | undefined) {
  const closed: number[] = [];
  const server = net.createServer(socket => {
    socket.on('error', () => {});
    socket.on('close', () => closed.push(Date.now()));
    socket.once('data', () => {
      if (delayMs === undefined) return; // hung: never answers
      setTimeout(
        () =>
          socket.end('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n'),
        delayMs,
      );
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    closed,
    client: (timeoutMs: number) =>
      new DockerClient(
        {
          kind: 'tcp',
          host: '127.0.0.1',
          port: (server.address() as AddressInfo).port,
          allowInsecure: true,
        },
        { timeoutMs },
      ),
    close: () => new Promise(r => server.close(r)),
  };
}

describe('DockerClient stop with a grace period longer than the call timeout', () => {
  it('waits for the engine through the grace period (no socket idle timeout first)', async () => {
    // the engine stays silent for 1.2 s, much longer than the 300 ms call timeout; the deadline is 300 ms plus the
    // 2 s grace, so a loaded machine keeps a 1.1 s margin (with a 1 s grace the margin was 100 ms and it flaked)
    const engine = await startSlowStopEngine(1200);
    try {
      await expect(
        engine.client(300).stop('web', { timeoutSeconds: 2 }),
      ).resolves.toEqual({ alreadyStopped: false });
    } finally {
      await engine.close();
    }
  });

  it('gives up on a hung engine at timeout plus grace, and closes the connection', async () => {
    const engine = await startSlowStopEngine(undefined);
    try {
      const started = Date.now();
      const error = await engine
        .client(300)
        .stop('web', { timeoutSeconds: 1 })
        .catch(e => e);
      const elapsed = Date.now() - started;
      expect(error).toMatchObject({ system: 'docker', reason: 'ETIMEDOUT' });
      expect(elapsed).toBeGreaterThanOrEqual(1280);
      expect(elapsed).toBeLessThan(2500);
      // the request was aborted at the deadline, not left open until the socket idle timeout
      await new Promise(r => setTimeout(r, 200));
      expect(engine.closed).toHaveLength(1);
      expect(engine.closed[0] - started).toBeLessThan(2500);
    } finally {
      await engine.close();
    }
  });
});
