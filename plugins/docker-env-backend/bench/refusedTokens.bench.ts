/*
 * Benchmark of deploy-token refusals on PostgreSQL (prints figures; not a unit test), the load figure of issue 21:
 * one replica absorbs >= 500 refused-token requests per second while legitimate requests' p95 stays within 10 % of
 * quiet, and the audit table grows by at most one row per address per minute past the per-address limit (the first
 * `refusedTokenAttemptsPerMinute` refusals of an address in a minute are audited one by one, then one row for the rest).
 *
 * The flood comes from a worker thread (its own event loop, as another process's clients would be) over keep-alive
 * connections bound to ADDRESSES loopback source addresses; a legitimate client (a valid token, from 127.0.0.1) runs
 * sequentially, first quiet, then during the flood. Loopback only; bounded by FLOOD_MS and MAX_FLOOD requests.
 *
 * Run: scripts/services/postgres.sh start; source .tools/services/postgres.env (repository root), then
 *   (cd plugins/docker-env-backend && yarn bench refusedTokens)
 * It creates and drops its own database `docker_env_bench_tokens`.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import request from 'supertest';
import { createBenchDatabase } from './benchDatabase';
import { REFUSED_PER_MINUTE } from '../src/tokens/RefusedAttempts';

const ADDRESSES = Array.from({ length: 8 }, (_, i) => `127.0.77.${i + 1}`);
const CONNECTIONS_PER_ADDRESS = 4;
/** Refused-token requests per second the flood offers (open loop): the figure's 500 with a margin. */
const RATE = 550;
const FLOOD_MS = 15_000;
const MAX_FLOOD = 60_000;
const QUIET_SAMPLES = 400;

/** The flood client, plain JavaScript run in a worker thread: counts responses by status. */
const FLOOD = `
const { workerData, parentPort } = require('node:worker_threads');
const http = require('node:http');
const { port, path, addresses, perAddress, token, until, max, rate } = workerData;
const statuses = {};
let sent = 0;
let errors = 0;
const loopCount = addresses.length * perAddress;
const start = Date.now();
function loop(agent, localAddress, index) {
  // open loop: each connection starts a request every loopCount / rate seconds (sooner when behind)
  const every = (1000 * loopCount) / rate;
  let k = 0;
  return new Promise(done => {
    const next = () => {
      const at = start + (k * every) + (index * every) / loopCount;
      const wait = at - Date.now();
      if (wait > 0) return void setTimeout(next, wait);
      k++;
      if (Date.now() >= until || sent >= max) return done();
      sent++;
      const req = http.request(
        { host: '127.0.0.1', port, path, agent, localAddress, headers: { 'x-deploy-token': token }, timeout: 10000 },
        res => {
          statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
          res.resume();
          res.on('end', next);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => { errors++; next(); });
      req.end();
    };
    next();
  });
}
const loops = [];
for (const a of addresses) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: perAddress });
  for (let i = 0; i < perAddress; i++) loops.push(loop(agent, a, loops.length));
}
const t0 = Date.now();
Promise.all(loops).then(() => parentPort.postMessage({ statuses, errors, sent, ms: Date.now() - t0 }));
`;

function percentile(sorted: number[], p: number) {
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

async function main(): Promise<'done'> {
  const { knex, drop } = await createBenchDatabase(
    'docker_env_bench_tokens',
    10,
  );
  // as production runs: HMAC token hashes under the configured secret (without one, every check is a scrypt)
  const backend = await startDockerEnvTestBackend({
    knex,
    config: {
      dockerEnv: {
        deployments: { tokenSecret: randomBytes(32).toString('base64') },
      },
    },
  });
  const server = backend.server;
  try {
    const port = (server.address() as AddressInfo).port;
    const now = new Date();
    const id = randomUUID();
    await knex('environments').insert({
      id,
      name: 'shop',
      owner: 'user:default/alice',
      status: 'ready',
      size: 'S',
      cpu_cores: 1,
      memory_mb: 1024,
      disk_gb: 8,
      purpose: '',
      created_by: 'user:default/alice',
      created_at: now,
      updated_at: now,
    });
    const created = await request(server)
      .post('/api/docker-env/environments/shop/tokens')
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send({ description: 'bench' });
    const token: string = created.body.token;
    // a known token id with a wrong secret: the refusal that does the most work (lookup and HMAC compare)
    const junk = `${token.slice(0, 'dep_'.length + 33)}${'A'.repeat(43)}`;
    const path = `/api/docker-env/environments/shop/deployments/${randomUUID()}`;

    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const legit = () =>
      new Promise<number>((resolve, reject) => {
        const t0 = process.hrtime.bigint();
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            path,
            agent,
            localAddress: '127.0.0.1',
            headers: { 'x-deploy-token': token },
            timeout: 10_000,
          },
          res => {
            res.resume();
            res.on('end', () => {
              // 404: the token was accepted, the deployment is not there
              if (res.statusCode !== 404)
                reject(new Error(`legitimate request: ${res.statusCode}`));
              else resolve(Number(process.hrtime.bigint() - t0) / 1e6);
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
        req.end();
      });

    for (let i = 0; i < 50; i++) await legit();
    const quiet: number[] = [];
    for (let i = 0; i < QUIET_SAMPLES; i++) quiet.push(await legit());
    quiet.sort((a, b) => a - b);

    const auditRows = async () =>
      Number(
        (
          await knex('audit_events')
            .where({ action: 'deploy_token.use', result: 'refused' })
            .count({ n: '*' })
        )[0].n,
      );
    const rowsBefore = await auditRows();
    const loadBefore = os.loadavg();
    const until = Date.now() + FLOOD_MS;
    const worker = new Worker(FLOOD, {
      eval: true,
      workerData: {
        port,
        path,
        addresses: ADDRESSES,
        perAddress: CONNECTIONS_PER_ADDRESS,
        token: junk,
        until,
        max: MAX_FLOOD,
        rate: RATE,
      },
    });
    const flood = new Promise<{
      statuses: Record<string, number>;
      errors: number;
      sent: number;
      ms: number;
    }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const loaded: number[] = [];
    // measure from the second second on, while the flood runs
    await new Promise(r => setTimeout(r, 1000));
    while (Date.now() < until - 500) loaded.push(await legit());
    const result = await flood;
    await worker.terminate();
    const loadAfter = os.loadavg();
    const rowsAfter = await auditRows();
    loaded.sort((a, b) => a - b);
    agent.destroy();

    const refused = Object.entries(result.statuses)
      .filter(([s]) => s === '401' || s === '429')
      .reduce((n, [, c]) => n + c, 0);
    const perSecond = refused / (result.ms / 1000);
    const qp95 = percentile(quiet, 95);
    const lp95 = percentile(loaded, 95);
    const minutes = Math.ceil(result.ms / 60_000);
    const rows = rowsAfter - rowsBefore;
    const limit = REFUSED_PER_MINUTE;
    console.log(
      [
        `flood (offered ${RATE}/s): ${result.sent} requests in ${
          result.ms
        } ms from ${
          ADDRESSES.length
        } addresses x ${CONNECTIONS_PER_ADDRESS} connections; statuses ${JSON.stringify(
          result.statuses,
        )}, client errors ${result.errors}`,
        `refused per second: ${perSecond.toFixed(0)} (target >= 500)`,
        `legitimate p95: quiet ${qp95.toFixed(2)} ms (p50 ${percentile(
          quiet,
          50,
        ).toFixed(2)}, ${
          quiet.length
        } requests), under the flood ${lp95.toFixed(2)} ms (p50 ${percentile(
          loaded,
          50,
        ).toFixed(2)}, ${loaded.length} requests): ${(
          (lp95 / qp95 - 1) *
          100
        ).toFixed(1)} % (target <= +10 %)`,
        `audit rows of refusals: ${rows} for ${
          ADDRESSES.length
        } addresses over ${minutes} minute window(s): ${(
          rows /
          ADDRESSES.length /
          minutes
        ).toFixed(1)} per address per minute = ${limit} audited one by one + ${(
          rows / ADDRESSES.length / minutes -
          limit
        ).toFixed(1)} past the limit (target: 1 past the limit)`,
        `load average: before ${loadBefore
          .map(l => l.toFixed(2))
          .join(' ')}, after ${loadAfter.map(l => l.toFixed(2)).join(' ')} (${
          os.cpus().length
        } cores)`,
      ].join('\n'),
    );
    expect(result.errors).toBe(0);
    return 'done';
  } finally {
    await backend.stop();
    await drop();
  }
}

// Run by jest (the repo's TypeScript transform), as a single long "test" that prints figures.
it('benchmarks refused deploy tokens on PostgreSQL', async () => {
  expect(await main()).toBe('done');
}, 600_000);
