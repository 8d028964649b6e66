// Starts the portal on the embedded default for the browser journey: the real backend (packages/backend)
// serving the production build of the app (packages/app/dist), with the lab, on free loopback ports,
// an in-memory SQLite database and a fresh lab state, so the journey never meets another run's records
// nor another portal on this machine.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A free TCP port on 127.0.0.1. */
async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Waits until `url` answers 2xx, or throws after `withinMs` (and at once if `alive()` says the process died). */
export async function waitForUrl(url, { withinMs, alive = () => true }) {
  const start = Date.now();
  let last = '';
  while (Date.now() - start < withinMs) {
    if (!alive()) throw new Error(`the portal exited before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (res.ok) return Date.now() - start;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${withinMs} ms (${last})`);
}

/** The config layered over app-config.yaml + app-config.embedded.yaml: ports, a fresh database and lab state, the production app. */
function journeyConfig({ port, lab, dir, extra }) {
  const base = `http://127.0.0.1:${port}`;
  return {
    app: { baseUrl: base },
    backend: {
      baseUrl: base,
      listen: { port, host: '127.0.0.1' },
      cors: { origin: base },
      database: { client: 'better-sqlite3', connection: ':memory:' },
    },
    dockerEnv: {
      lab: {
        stateFile: path.join(dir, 'lab-state.json'),
        latencyScale: extra.latencyScale,
        guestIpBlock: 200 + Math.floor(Math.random() * 50),
        ports: {
          proxmox: lab.proxmox,
          netbox: lab.netbox,
          portainer: lab.portainer,
          edge: lab.edge,
        },
      },
      proxmox: { baseUrl: `http://127.0.0.1:${lab.proxmox}` },
      netbox: { baseUrl: `http://127.0.0.1:${lab.netbox}` },
      portainer: { baseUrl: `http://127.0.0.1:${lab.portainer}` },
      traefik: { directory: path.join(dir, 'traefik') },
      lifecycle: {
        pausedRoute: { url: `http://127.0.0.1:${lab.paused}` },
        pausedPage: { port: lab.paused },
      },
      provisioning: { publicPort: lab.edge },
      // the usage tab's re-reads after a resize get a fresh read instead of the shared one of the last 10 s
      usage: { cacheMs: 1000 },
    },
  };
}

/**
 * Starts the portal; resolves once the backend and the app answer.
 * @param {{root: string, logFile: string, latencyScale?: number}} options
 */
export async function startPortal(options) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'docker-env-journey-'));
  await fs.mkdir(path.join(dir, 'traefik'));
  const port = await freePort();
  const lab = {
    proxmox: await freePort(),
    netbox: await freePort(),
    portainer: await freePort(),
    edge: await freePort(),
    paused: await freePort(),
  };
  const configFile = path.join(dir, 'journey-config.json');
  await fs.writeFile(
    configFile,
    JSON.stringify(
      journeyConfig({
        port,
        lab,
        dir,
        extra: { latencyScale: options.latencyScale ?? 0.2 },
      }),
      null,
      2,
    ),
  );
  const log = await fs.open(options.logFile, 'w');
  const startedAt = Date.now();
  // its own process group, so stop() ends the backend and everything it started, and nothing else
  const child = spawn(
    'yarn',
    [
      'workspace',
      'backend',
      'start',
      '--config',
      path.join(options.root, 'app-config.yaml'),
      '--config',
      path.join(options.root, 'app-config.embedded.yaml'),
      '--config',
      configFile,
    ],
    {
      cwd: options.root,
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: { ...process.env, BACKEND_ACCESS_LOG_LEVEL: 'warn' },
    },
  );
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!exited) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const deadline = Date.now() + 10_000;
      while (!exited && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 100));
      }
      if (!exited) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    // the backend runs in a child of the CLI: wait until it no longer listens
    const closedBy = Date.now() + 15_000;
    while (Date.now() < closedBy) {
      try {
        await fetch(baseUrl, { signal: AbortSignal.timeout(1000) });
      } catch {
        break;
      }
      await new Promise(r => setTimeout(r, 200));
    }
    await log.close();
    await fs.rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForUrl(`${baseUrl}/api/docker-env/health`, {
      withinMs: 180_000,
      alive: () => !exited,
    });
    await waitForUrl(`${baseUrl}/`, { withinMs: 30_000, alive: () => !exited });
  } catch (e) {
    await stop();
    throw e;
  }
  return { baseUrl, readyMs: Date.now() - startedAt, edgePort: lab.edge, stop };
}
