import express from 'express';
import http from 'node:http';
import { ClosableServer } from '../core/ClosableServer';

/** A running stand-in agent: its address and what it saw, for assertions. */
export interface StandInAgent {
  url: string;
  host: string;
  port: number;
  seen: Array<{
    method: string;
    path: string;
    headers: http.IncomingHttpHeaders;
    body: string;
  }>;
  close(): Promise<void>;
}

/** How the stand-in answers `GET /ping`: `ok` (204 with the agent headers) or a failure mode. */
export interface StandInAgentOptions {
  ping?: 'ok' | 'no-header' | 'status-500' | 'hang';
}

/**
 * A tiny stand-in for the lab's Portainer agent, for tests (the full one lives in the guest simulator):
 * `GET /ping` -> 204 with the agent headers, and a few Docker Engine API paths with fixed answers.
 */
export async function startStandInAgent(
  host: string,
  port: number,
  opts: StandInAgentOptions = {},
): Promise<StandInAgent> {
  const seen: StandInAgent['seen'] = [];
  const app = express();
  app.use(express.text({ type: () => true }));
  app.use((req, _res, next) => {
    seen.push({
      method: req.method,
      path: req.originalUrl,
      headers: req.headers,
      body: typeof req.body === 'string' ? req.body : '',
    });
    next();
  });
  app.get('/ping', (_req, res) => {
    const mode = opts.ping ?? 'ok';
    if (mode === 'hang') return;
    if (mode === 'status-500') {
      res.status(500).end();
      return;
    }
    if (mode === 'ok') {
      res.setHeader('Portainer-Agent', '2.21.4');
      res.setHeader('Portainer-Agent-Platform', '1');
    }
    res.status(204).end();
  });
  app.get('/containers/json', (req, res) => {
    res.json([
      {
        Id: 'abc123',
        Names: ['/web'],
        Image: 'nginx:1.27',
        State: 'running',
        Status: 'Up 2 minutes',
        all: req.query.all,
      },
    ]);
  });
  app.post('/containers/create', (req, res) => {
    res.status(201).json({
      Id: 'new1',
      Warnings: [],
      echo: JSON.parse(String(req.body || '{}')),
      name: req.query.name,
    });
  });
  app.get('/containers/:id/logs', (_req, res) => {
    res.status(200).type('application/vnd.docker.raw-stream');
    res.write('line 1\n');
    setTimeout(() => res.end('line 2\n'), 20);
  });
  const server = await ClosableServer.listen(app, host, port);
  const actual = server.port;
  return {
    url: `tcp://${host}:${actual}`,
    host,
    port: actual,
    seen,
    close: () => server.close(),
  };
}
