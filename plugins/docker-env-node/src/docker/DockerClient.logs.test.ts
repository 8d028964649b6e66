import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DockerClient } from './DockerClient';
import type { LogChunk } from './types';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/**
 * An engine whose log stream never ends on its own: it writes frames until the client hangs up,
 * so only the client's byte cap can end a read. It records each `/logs` query.
 */
async function startEndlessLogEngine() {
  const queries: URLSearchParams[] = [];
  let open = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.endsWith('/json')) {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ Id: 'abc', Config: { Tty: false } }));
      return;
    }
    queries.push(url.searchParams);
    res.writeHead(200, {
      'Content-Type': 'application/vnd.docker.multiplexed-stream',
    });
    open++;
    let n = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < 50; i++) {
        n++;
        res.write(frame(n % 5 === 0 ? 2 : 1, `line ${n}\n`));
      }
    }, 5);
    res.on('close', () => {
      clearInterval(timer);
      open--;
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    queries,
    openStreams: () => open,
    close: () => {
      server.closeAllConnections();
      return new Promise(r => server.close(r));
    },
  };
}

describe('DockerClient logs are bounded', () => {
  let engine: Awaited<ReturnType<typeof startEndlessLogEngine>>;
  let client: DockerClient;

  beforeAll(async () => {
    engine = await startEndlessLogEngine();
    client = new DockerClient(
      {
        kind: 'tcp',
        host: '127.0.0.1',
        port: engine.port,
        allowInsecure: true,
      },
      { timeoutMs: 5000 },
    );
  });
  afterAll(() => engine.close());

  it('asks for the last 1000 lines by default and stops at the byte cap', async () => {
    const logs = await client.logs('web', { maxBytes: 4096 });
    expect(engine.queries.at(-1)?.get('tail')).toBe('1000');
    expect(engine.queries.at(-1)?.get('follow')).toBe('false');
    expect(logs.truncated).toBe(true);
    expect(
      Buffer.byteLength(logs.stdout) + Buffer.byteLength(logs.stderr),
    ).toBe(4096);
    expect(logs.stdout).toMatch(/^line 1\nline 2\n/);
    expect(logs.stderr).toMatch(/^line 5\nline 10\n/);
    await new Promise(r => setTimeout(r, 50));
    expect(engine.openStreams()).toBe(0);
  });

  it('passes since and until as seconds and refuses until before since', async () => {
    const since = new Date('2026-01-01T10:00:00Z');
    const until = new Date('2026-01-01T11:00:00Z');
    await client.logs('web', { since, until, tail: 5, maxBytes: 100 });
    const q = engine.queries.at(-1)!;
    expect(q.get('since')).toBe(String(since.getTime() / 1000));
    expect(q.get('until')).toBe(String(until.getTime() / 1000));
    expect(q.get('tail')).toBe('5');
    await expect(
      client.logs('web', { since: until, until: since }),
    ).rejects.toThrow(/^until: must not be before since/);
    await expect(client.logs('web', { tail: 100_001 })).rejects.toThrow(
      /^tail:/,
    );
  });

  it('streams chunks until closed, following new output', async () => {
    const chunks: LogChunk[] = [];
    const stream = await client.streamLogs(
      'web',
      { onChunk: c => chunks.push(c) },
      { follow: true, tail: 0 },
    );
    await new Promise(r => setTimeout(r, 100));
    stream.close();
    expect(engine.queries.at(-1)?.get('follow')).toBe('true');
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks[0]).toMatchObject({ stream: 'stdout' });
    expect(chunks[0].data.toString()).toBe('line 1\n');
    await new Promise(r => setTimeout(r, 50));
    expect(engine.openStreams()).toBe(0);
  });
});
