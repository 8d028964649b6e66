/*
 * Benchmark of provisioning (prints figures; not a unit test). The lab runs in this process, the
 * backend (the docker-env plugin with its production defaults: runner poll 1 s, step poll as
 * configured) in its own process on a SQLite file, as a replica runs it.
 *  1. Overhead: at lab latency scale 0 the lab answers at once, so the wall time from the queued
 *     operation to `ready` is ours (runner pick-up, polling, HTTP, database). Target <= 2 s.
 *  2. Ratio: at latency scale 1 (the lab's realistic latencies) the wall time divided by the floor,
 *     the sum of the latency-table entries of the calls one provisioning makes in sequence (counted
 *     at scale 0, where every wait ends at its first poll) plus DHCP. Target <= 1.15.
 *  3. An estimate for real Proxmox from the floor.
 *
 * Run: (cd plugins/docker-env-backend && yarn bench bench/provisioning.bench.ts)
 * BENCH_LAB_TLS=1 runs it against the TLS lab (every call verified HTTPS, agents on HTTPS with signatures, the
 * backend trusting the lab's CAs through NODE_EXTRA_CA_CERTS), for the TLS-beside-plain-HTTP comparison.
 */
import { startLab, type Lab } from '@docker-env/lab';
import type { Knex } from 'knex';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { labDockerEnvConfig } from '@docker-env/lab-testing/backend/provisioningLab';
import {
  queueProvisioning,
  sharedDatabase,
  type SharedDatabase,
} from '@docker-env/lab-testing/backend/processes/databaseFixture';
import {
  startBackendProcess,
  type BackendProcess,
} from '@docker-env/lab-testing/backend/processes/spawn';
import {
  floorLines,
  labControls as controls,
  latencyFloor,
} from './latencyFloor';

jest.setTimeout(600_000);

const OVERHEAD_RUNS = 5;
const REALISTIC_RUNS = 3;

async function provisionOnce(db: Knex, name: string): Promise<number> {
  const t0 = performance.now();
  const { environmentId } = await queueProvisioning(db, name);
  for (;;) {
    const env = await db('environments').where({ id: environmentId }).first();
    if (env.status === 'ready') return performance.now() - t0;
    if (env.status !== 'provisioning')
      throw new Error(`${name} ended ${env.status}: ${env.status_reason}`);
    await new Promise(r => setTimeout(r, 5));
  }
}

describe('provisioning benchmark', () => {
  let lab: Lab;
  let routesDir: string;
  let database: SharedDatabase;
  let backend: BackendProcess;

  beforeAll(async () => {
    routesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-routes-'));
    const tls = process.env.BENCH_LAB_TLS === '1';
    lab = await startLab({
      latencyScale: 0,
      ...(tls
        ? {
            tls: {
              caDir: path.join(
                routesDir,
                '..',
                `${path.basename(routesDir)}-ca`,
              ),
            },
          }
        : {}),
    });
    const dockerEnv = labDockerEnvConfig(lab, routesDir) as any;
    if (tls) {
      // the backend process inherits it: the lab's CAs trusted as in production
      process.env.NODE_EXTRA_CA_CERTS = lab.tls!.caFiles.bundle;
      for (const s of ['proxmox', 'netbox', 'portainer'])
        dockerEnv[s].allowInsecure = false;
      dockerEnv.provisioning.agent.scheme = 'https';
    }
    database = await sharedDatabase('sqlite-file');
    backend = await startBackendProcess({
      backend: { database: database.backendDatabase },
      dockerEnv,
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await lab?.stop();
    await database?.dispose();
    await fs.rm(routesDir, { recursive: true, force: true });
  });

  it('prints overhead, floor, ratio and an estimate for real Proxmox', async () => {
    const db = database.client();
    const lines: string[] = [];

    // 1. the calls of one provisioning, and our overhead, at scale 0
    // the first provisioning also makes NetBox's shared objects (cluster, tag, custom fields)
    await provisionOnce(db, 'bench-warmup');
    for (const c of controls(lab)) c.reset();
    await provisionOnce(db, 'bench-counted');
    // the floor: every call's latency-table entry, plus the DHCP lease after the start task
    const { entries, floor, latency } = latencyFloor(lab, ['proxmox.lxc.dhcp']);
    const overhead: number[] = [];
    for (let i = 0; i < OVERHEAD_RUNS; i++)
      overhead.push(await provisionOnce(db, `bench-zero-${i}`));

    // 2. the floor
    lines.push(
      ...floorLines(
        'critical path (lab latency table x calls of one provisioning):',
        entries,
      ),
    );

    // 3. realistic latencies
    for (const c of controls(lab)) c.setLatencyScale(1);
    const wall: number[] = [];
    for (let i = 0; i < REALISTIC_RUNS; i++)
      wall.push(await provisionOnce(db, `bench-real-${i}`));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ratio = mean(wall) / floor;
    lines.push(
      `overhead at latency scale 0: mean ${mean(overhead).toFixed(
        0,
      )} ms, max ${Math.max(...overhead).toFixed(
        0,
      )} ms per environment (target <= 2000 ms)`,
      `wall time at latency scale 1: ${wall
        .map(w => w.toFixed(0))
        .join(', ')} ms; mean ${mean(wall).toFixed(0)} ms`,
      `ratio wall / floor: ${ratio.toFixed(3)} (target <= 1.15)`,
      `estimate for real Proxmox (linked clone of the golden template, latencies as the lab's table): ` +
        `${((floor * ratio) / 1000).toFixed(1)} s per environment; ` +
        `an OS-template create adds ${(
          (latency.get('proxmox.lxc.create')! -
            latency.get('proxmox.lxc.clone')!) /
          1000
        ).toFixed(0)} s plus the Docker install over SSH`,
    );
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
    expect(mean(overhead)).toBeLessThanOrEqual(2000);
    expect(ratio).toBeLessThanOrEqual(1.15);
  });
});
