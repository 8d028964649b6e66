import http from 'node:http';
import { AddressInfo } from 'node:net';

/** What the stand-in agent saw, for assertions. */
export interface StandInAgent {
  url: string;
  seen: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders; body: string }>;
  close(): Promise<void>;
}

/**
 * A tiny stand-in for the lab's Portainer agent (the real one is the guest simulator's):
 * `GET /ping` -> 204 with the agent headers, and a few Docker Engine API paths.
 */
export async function startStandInAgent(host: string, port: number): Promise<StandInAgent> {
  const seen: StandInAgent['seen'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', c => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const url = new URL(req.url ?? '/', 'http://agent');
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'GET' && url.pathname === '/ping') {
        res.writeHead(204, { 'Portainer-Agent': '2.21.4', 'Portainer-Agent-Platform': '1' });
        res.end();
      } else if (req.method === 'GET' && url.pathname === '/containers/json') {
        json(200, [
          { Id: 'abc123', Names: ['/web'], Image: 'nginx:1.27', State: 'running', Status: 'Up 2 minutes', all: url.searchParams.get('all') },
        ]);
      } else if (req.method === 'POST' && url.pathname === '/containers/create') {
        json(201, { Id: 'new1', Warnings: [], echo: JSON.parse(body || '{}'), name: url.searchParams.get('name') });
      } else {
        json(404, { message: 'page not found' });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `tcp://${host}:${actual}`,
    seen,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
