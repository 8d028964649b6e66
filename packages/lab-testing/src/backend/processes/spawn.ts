import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { JsonObject } from '@backstage/types';
import type { LabEndpoints } from '../provisioningLab';

const TRANSFORM = require.resolve('@backstage/cli/config/nodeTransform.cjs');
const LAB_BIN = path.resolve(
  // eslint-disable-next-line no-restricted-syntax -- test-only helper, run from source, never built
  __dirname,
  '../../../../lab/bin/docker-env-lab',
);

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}

function collect(child: ChildProcess) {
  let out = '';
  child.stdout?.on('data', d => (out += d));
  child.stderr?.on('data', d => (out += d));
  return () => out;
}

/** The lab in its own process (`docker-env-lab`), and its `/_lab` control and state over HTTP. */
export interface LabProcess extends LabEndpoints {
  routesDir: string;
  /** The lab's edge router, serving `routesDir`. */
  edgeUrl: string;
  /** `GET <system>/_lab/` (latencies, faults, call counts) or `GET <system>/_lab/state`. */
  lab(system: 'proxmox' | 'netbox' | 'portainer', what?: 'state'): Promise<any>;
  stop(): Promise<void>;
}

/** Starts `docker-env-lab` at `latencyScale` with a fresh route folder. */
export async function startLabProcess(
  latencyScale: number,
): Promise<LabProcess> {
  const routesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-routes-'));
  const child = spawn(
    process.execPath,
    [
      LAB_BIN,
      '--latency-scale',
      String(latencyScale),
      '--routes-dir',
      routesDir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = collect(child);
  for (let i = 0; !/lab ready/.test(output()); i++) {
    if (i > 600 || child.exitCode !== null)
      throw new Error(`docker-env-lab did not start:\n${output()}`);
    await new Promise(r => setTimeout(r, 50));
  }
  const line = (name: string) =>
    output()
      .split('\n')
      .find(l => l.startsWith(name))!
      .split(/\s+/);
  const pve = line('proxmox');
  const [tokenId, tokenSecret] = pve[3].split('=');
  const urls = {
    proxmox: pve[1],
    netbox: line('netbox')[1].replace(/\/api\/$/, ''),
    portainer: line('portainer')[1],
  };
  const origin = (u: string) => new URL(u).origin;
  return {
    routesDir,
    edgeUrl: line('edge')[1],
    urls,
    credentials: {
      proxmox: { tokenId, tokenSecret },
      netbox: { token: line('netbox')[3] },
      portainer: { apiKey: line('portainer')[4] },
    },
    async lab(system, what) {
      const res = await fetch(`${origin(urls[system])}/_lab/${what ?? ''}`, {
        signal: AbortSignal.timeout(5000),
      });
      return res.json();
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise(r =>
        child.exitCode !== null ? r(0) : child.once('exit', r),
      );
      await fs.rm(routesDir, { recursive: true, force: true });
    },
  };
}

/** A backend with the docker-env plugin in its own process. */
export interface BackendProcess {
  baseUrl: string;
  output(): string;
  /** SIGKILL: no shutdown hook runs, the claims it held stay until their lease ends. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of {@link startBackendProcess}. */
export interface BackendProcessOptions {
  /** The backend's entry file; default `backendMain.ts` (the docker-env plugin alone). */
  entry?: string;
  /** Runs it as its own process group, which `kill()` ends as a whole. */
  processGroup?: boolean;
  /** How long it may take to answer on `/api/docker-env/health`; default 60 s. */
  startTimeoutMs?: number;
}

/** Starts `backendMain.ts` (or `entry`) with `config` (backend.* is filled in) and waits until it answers. */
export async function startBackendProcess(
  config: JsonObject,
  options: BackendProcessOptions = {},
): Promise<BackendProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'backend-process-'));
  const file = path.join(dir, 'app-config.yaml');
  const backend = (config.backend ?? {}) as JsonObject;
  await fs.writeFile(
    file,
    // JSON is YAML: the config loader reads it as is
    JSON.stringify({
      ...config,
      backend: {
        ...backend,
        baseUrl,
        listen: { port, host: '127.0.0.1' },
      },
    }),
  );
  const child = spawn(
    process.execPath,
    [
      '-r',
      TRANSFORM,
      options.entry ??
        path.join(
          // eslint-disable-next-line no-restricted-syntax -- test-only helper, run from source, never built
          __dirname,
          'backendMain.ts',
        ),
      '--config',
      file,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.processGroup,
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  const output = collect(child);
  const exited = new Promise(r =>
    child.exitCode !== null ? r(0) : child.once('exit', r),
  );
  const end = async (signal: NodeJS.Signals) => {
    // exitCode stays null for a process a signal ended
    if (child.exitCode === null && child.signalCode === null) {
      if (options.processGroup) process.kill(-child.pid!, signal);
      else child.kill(signal);
    }
    await exited;
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    const ok = await fetch(`${baseUrl}/api/docker-env/health`)
      .then(r => r.ok)
      .catch(() => false);
    if (ok) break;
    if (
      Date.now() > deadline ||
      child.exitCode !== null ||
      child.signalCode !== null
    ) {
      await end('SIGKILL');
      await fs.rm(dir, { recursive: true, force: true });
      throw new Error(`the backend did not start:\n${output()}`);
    }
    await new Promise(r => setTimeout(r, 50));
  }
  return {
    baseUrl,
    output,
    kill: () => end('SIGKILL'),
    async stop() {
      await end('SIGTERM');
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A backend on `database` whose runner takes over a killed one's operations within seconds: claims are leased for
 * 2 s, expired ones looked for every second, the queue polled every 100 ms.
 */
export function startRecoveringBackend(
  database: JsonObject,
  dockerEnv: JsonObject,
): Promise<BackendProcess> {
  return startBackendProcess({
    backend: { database },
    dockerEnv: {
      ...dockerEnv,
      runner: {
        pollIntervalMs: 100,
        leaseSeconds: 2,
        recoveryFrequencySeconds: 1,
      },
    },
  });
}
