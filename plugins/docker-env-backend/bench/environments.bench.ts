/*
 * Benchmark of the core API on PostgreSQL (prints figures; not a unit test):
 *  1. 10,000 environments; GET /environments for one user (their own + their group's), p95 of 200 requests.
 *  2. 10 concurrent POST /environments of one name: exactly 1 environment, 9 refusals (409).
 *
 * Run: source /work/wt/services.env (or set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING), then
 *   (cd plugins/docker-env-backend && yarn bench)
 * It creates and drops its own database `docker_env_bench`.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import { createBenchDatabase } from './benchDatabase';

const TOTAL = 10_000;
const SAMPLES = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

/** 1 % of the rows are alice's, 1 % her group's, the rest spread over 200 other owners. */
function ownerOf(i: number, owners: string[]): string {
  if (i % 100 === 0) return 'user:default/alice';
  if (i % 100 === 1) return 'group:default/team-a';
  return owners[i % owners.length];
}

async function seed(knex: Knex) {
  const owners = Array.from({ length: 200 }, (_, i) =>
    i % 2 ? `user:default/u${i}` : `group:default/g${i}`,
  );
  const now = Date.now();
  const rows = Array.from({ length: TOTAL }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `env-${String(i).padStart(5, '0')}`,
    owner: ownerOf(i, owners),
    status: 'ready',
    size: 'S',
    cpu_cores: 1,
    memory_mb: 2048,
    disk_gb: 16,
    purpose: '',
    created_by: 'user:default/seed',
    created_at: new Date(now - i * 1000),
    updated_at: new Date(now),
  }));
  for (let i = 0; i < rows.length; i += 500)
    await knex('environments').insert(rows.slice(i, i + 500));
}

async function main(): Promise<'done'> {
  const { knex, drop } = await createBenchDatabase('docker_env_bench', 10);
  const backend = await startDockerEnvTestBackend({ knex });
  const server = backend.server;
  try {
    await seed(knex);
    const alice = mockCredentials.user.header('user:default/alice');
    for (let i = 0; i < 20; i++)
      await request(server)
        .get('/api/docker-env/environments')
        .set('Authorization', alice);
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const t0 = process.hrtime.bigint();
      const res = await request(server)
        .get('/api/docker-env/environments?limit=50')
        .set('Authorization', alice);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (res.status !== 200)
        throw new Error(`GET /environments: ${res.status}`);
      count = res.body.totalCount;
    }
    times.sort((a, b) => a - b);
    console.log(
      `GET /environments (alice: ${count} of ${TOTAL} visible, page 50, ${SAMPLES} requests): p50 ${percentile(
        times,
        50,
      ).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times[
        times.length - 1
      ].toFixed(1)} ms (target p95 <= 50 ms)`,
    );

    const bodies = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(server)
          .post('/api/docker-env/environments')
          .set('Authorization', alice)
          .send({ name: 'race-one', owner: 'user:default/alice', size: 'S' }),
      ),
    );
    const statuses = bodies.map(b => b.status).sort();
    const created = Number(
      (
        await knex('environments').where({ name: 'race-one' }).count({ n: '*' })
      )[0].n,
    );
    expect(created).toBe(1);
    expect(statuses.filter(s => s === 409)).toHaveLength(9);
    const refusal = bodies.find(b => b.status === 409)?.body.error.message;
    console.log(
      `10 concurrent creates of one name: ${created} environment, statuses ${statuses.join(
        ',',
      )}; refusal: "${refusal}"`,
    );
    return 'done';
  } finally {
    await backend.stop();
    await drop();
  }
}

// Run by jest (the repo's TypeScript transform), as a single long "test" that prints figures.
it('benchmarks the core API on PostgreSQL', async () => {
  expect(await main()).toBe('done');
}, 600_000);
