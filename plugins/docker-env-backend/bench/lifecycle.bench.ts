/*
 * Benchmark of resume and delete (prints figures; not a unit test). The lab runs in this process, the backend (the
 * docker-env plugin with its production defaults: runner poll 1 s, lifecycle waits as shipped) in its own process
 * on a SQLite file, as a replica runs it.
 *  1. The floor of each operation: the latency-table entries of the calls one run makes in sequence (counted at
 *     latency scale 0, where every wait ends at its first poll), plus the DHCP lease after a start; printed entry
 *     by entry.
 *  2. Wall time at latency scale 1 (the lab's realistic latencies), from the queued operation to `ready`
 *     (resume) or `deleted` (delete). Target: each <= floor + 5 s (issue 11).
 *
 * Run: (cd plugins/docker-env-backend && yarn bench bench/lifecycle.bench.ts)
 */
import { startLab, type Lab } from '@docker-env/lab';
import type { Knex } from 'knex';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { labDockerEnvConfig } from '@docker-env/lab-testing/backend/provisioningLab';
import {
  queueLifecycle,
  queueProvisioning,
  sharedDatabase,
  type SharedDatabase,
} from '@docker-env/lab-testing/backend/processes/databaseFixture';
import {
  startBackendProcess,
  type BackendProcess,
} from '@docker-env/lab-testing/backend/processes/spawn';
import { floorLines, labControls, latencyFloor } from './latencyFloor';

jest.setTimeout(600_000);

const RUNS = 3;
const SLACK_MS = 5000;

/** Waits until the environment reaches `status`; fails when it settles anywhere else. */
async function reach(db: Knex, environmentId: string, status: string) {
  const passing = ['provisioning', 'pausing', 'resuming', 'deleting'];
  for (;;) {
    const env = await db('environments').where({ id: environmentId }).first();
    if (env.status === status) return;
    if (!passing.includes(env.status))
      throw new Error(
        `${env.name} ended ${env.status} (${env.status_reason}), not ${status}`,
      );
    await new Promise(r => setTimeout(r, 5));
  }
}

describe('lifecycle benchmark', () => {
  let lab: Lab;
  let routesDir: string;
  let database: SharedDatabase;
  let backend: BackendProcess;
  let db: Knex;

  const scale = (s: number) => {
    for (const c of labControls(lab)) c.setLatencyScale(s);
  };
  const resetCounts = () => {
    for (const c of labControls(lab)) c.reset();
  };
  async function provision(name: string): Promise<string> {
    const { environmentId } = await queueProvisioning(db, name);
    await reach(db, environmentId, 'ready');
    return environmentId;
  }
  /** Where the time of the operation went: the runner's pick-up, each step, and the rest. */
  async function breakdown(operationId: string, wallMs: number) {
    const op = await db('operations').where({ id: operationId }).first();
    const steps = await db('operation_steps')
      .where({ operation_id: operationId })
      .orderBy('position');
    const t = (v: unknown) => new Date(v as string).getTime();
    const parts = [`pick-up ${t(op.started_at) - t(op.created_at)}`];
    for (const st of steps)
      parts.push(`${st.name} ${t(st.ended_at) - t(st.started_at)}`);
    const stepsEnd = t(steps[steps.length - 1].ended_at);
    parts.push(
      `to the status ${(wallMs - (stepsEnd - t(op.created_at))).toFixed(0)}`,
    );
    return `${parts.join(', ')} (ms)`;
  }
  /** Runs a lifecycle operation; answers its wall time from the queued operation to `status`. */
  async function timed(
    id: string,
    kind: 'pause' | 'resume' | 'delete',
    status: string,
  ): Promise<{ ms: number; where: string }> {
    const t0 = performance.now();
    const { operationId } = await queueLifecycle(db, id, kind);
    await reach(db, id, status);
    const ms = performance.now() - t0;
    return { ms, where: await breakdown(operationId, ms) };
  }

  beforeAll(async () => {
    lab = await startLab({ latencyScale: 0 });
    routesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-routes-'));
    database = await sharedDatabase('sqlite-file');
    backend = await startBackendProcess({
      backend: { database: database.backendDatabase },
      dockerEnv: {
        ...labDockerEnvConfig(lab, routesDir),
        lifecycle: {
          backupStorage: 'backup',
          pausedRoute: { service: 'paused@file' },
        },
      },
    });
    db = database.client();
  });
  afterAll(async () => {
    await backend?.stop();
    await lab?.stop();
    await database?.dispose();
    await fs.rm(routesDir, { recursive: true, force: true });
  });

  it('prints resume and delete wall times against their floors', async () => {
    const lines: string[] = [];
    // the first provisioning also makes NetBox's shared objects (cluster, tag, custom fields)
    await provision('bench-warmup');

    // 1. the calls of one resume and one delete, at scale 0
    const counted = await provision('bench-counted');
    await timed(counted, 'pause', 'paused');
    resetCounts();
    const resumeZero = (await timed(counted, 'resume', 'ready')).ms;
    const resume = latencyFloor(lab, ['proxmox.lxc.dhcp']);
    resetCounts();
    const deleteZero = (await timed(counted, 'delete', 'deleted')).ms;
    const del = latencyFloor(lab);
    lines.push(
      ...floorLines(
        'resume critical path (lab latency table x calls of one resume):',
        resume.entries,
      ),
      ...floorLines(
        'delete critical path (lab latency table x calls of one delete):',
        del.entries,
      ),
      `at latency scale 0: resume ${resumeZero.toFixed(
        0,
      )} ms, delete ${deleteZero.toFixed(0)} ms`,
    );

    // 2. realistic latencies (the environments are made and paused at scale 0)
    const resumeRuns: Array<{ ms: number; where: string }> = [];
    const deleteRuns: Array<{ ms: number; where: string }> = [];
    for (let i = 0; i < RUNS; i++) {
      const id = await provision(`bench-real-${i}`);
      await timed(id, 'pause', 'paused');
      scale(1);
      resumeRuns.push(await timed(id, 'resume', 'ready'));
      deleteRuns.push(await timed(id, 'delete', 'deleted'));
      scale(0);
    }
    const resumeWall = resumeRuns.map(r => r.ms);
    const deleteWall = deleteRuns.map(r => r.ms);
    const fmt = (xs: number[]) => xs.map(x => x.toFixed(0)).join(', ');
    const max = (xs: number[]) => Math.max(...xs);
    const slowest = (runs: typeof resumeRuns) =>
      runs.reduce((a, b) => (b.ms > a.ms ? b : a)).where;
    lines.push(
      `resume wall time at latency scale 1: ${fmt(resumeWall)} ms; floor ${
        resume.floor
      } ms; worst over the floor ${(max(resumeWall) - resume.floor).toFixed(
        0,
      )} ms (target <= ${SLACK_MS} ms)`,
      `delete wall time at latency scale 1: ${fmt(deleteWall)} ms; floor ${
        del.floor
      } ms; worst over the floor ${(max(deleteWall) - del.floor).toFixed(
        0,
      )} ms (target <= ${SLACK_MS} ms)`,
      `slowest resume: ${slowest(resumeRuns)}`,
      `slowest delete: ${slowest(deleteRuns)}`,
    );
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
    expect(max(resumeWall)).toBeLessThanOrEqual(resume.floor + SLACK_MS);
    expect(max(deleteWall)).toBeLessThanOrEqual(del.floor + SLACK_MS);
  });
});
