import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { EdgeLogger } from './types';

/** A loopback HTTP server for edge tests that answers with what it received, as JSON. */
export interface EchoServer {
  url: string;
  port: number;
  /** Answers every request with this status from now on (health checks see it too). */
  status: number;
  close(): Promise<void>;
}

/** Starts an {@link EchoServer} named `name` on 127.0.0.1. `/slow` answers after 6 s; `/echo` streams the body back. */
export async function startEchoServer(name: string): Promise<EchoServer> {
  const state = { status: 200 };
  const server = http.createServer((req, res) => {
    if (req.url === '/echo') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      req.pipe(res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const respond = () => {
        const body = JSON.stringify({
          server: name,
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(state.status, {
          'content-type': 'application/json',
          connection: 'keep-alive, x-hop',
          'x-hop': 'hop-by-hop',
          'x-backend': name,
        });
        res.end(body);
      };
      if (req.url === '/slow') setTimeout(respond, 6000).unref();
      else respond();
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get status() {
      return state.status;
    },
    set status(s: number) {
      state.status = s;
    },
    close: () =>
      new Promise(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A logger that keeps every line, for assertions on what the edge reported. */
export function memoryLogger(): EdgeLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: m => lines.push(`INFO ${m}`),
    warn: m => lines.push(`WARN ${m}`),
    error: m => lines.push(`ERROR ${m}`),
  };
}

/** Writes a file the way the route stores do: temp file, fsync, rename into place. */
export async function writeAtomically(file: string, text: string) {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  const handle = await fs.open(temp, 'w');
  await handle.writeFile(text);
  await handle.sync();
  await handle.close();
  await fs.rename(temp, file);
}

/** Retries `check` until it stops throwing (or rethrows its last error after `timeoutMs`). */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 3000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise(r => setTimeout(r, 20));
    }
  }
}

/** One request through the edge with a Host header (fetch cannot set Host). */
export function edgeRequest(
  edgeUrl: string,
  host: string,
  options: {
    path?: string;
    method?: string;
    headers?: http.OutgoingHttpHeaders;
    body?: string;
  } = {},
): Promise<{
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${edgeUrl}${options.path ?? '/'}`,
      {
        method: options.method ?? 'GET',
        headers: { ...options.headers, host },
        agent: false,
        timeout: 10_000,
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('edge request timed out')));
    req.on('error', reject);
    req.end(options.body);
  });
}
