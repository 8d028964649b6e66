/*
 * Benchmark of the quota check under concurrency on PostgreSQL (prints figures; not a unit test):
 * 100 concurrent POST /environments for one owner whose quota allows 10 environments: exactly 10 provision at once,
 * 90 wait for approval, 0 over the quota.
 *
 * Run: source /work/wt/services.env, then
 *   (cd plugins/docker-env-backend && yarn bench bench/quotas.bench.ts)
 * It creates and drops its own database `docker_env_bench_quotas`.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import { createBenchDatabase } from './benchDatabase';

const REQUESTS = 100;
const QUOTA = 10;
const DATABASE = 'docker_env_bench_quotas';

async function main(): Promise<'done'> {
  const { knex, drop } = await createBenchDatabase(DATABASE, 20);
  const backend = await startDockerEnvTestBackend({
    knex,
    config: {
      dockerEnv: {
        quotas: {
          default: {
            cpuCores: QUOTA,
            memoryMb: QUOTA * 2048,
            diskGb: QUOTA * 16,
            environments: QUOTA,
          },
        },
      },
    },
  });
  try {
    const alice = mockCredentials.user.header('user:default/alice');
    const t0 = Date.now();
    const answers = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        request(backend.server)
          .post('/api/docker-env/environments')
          .set('Authorization', alice)
          .send({
            name: `quota-race-${i}`,
            owner: 'group:default/team-a',
            size: 'S',
          }),
      ),
    );
    const elapsed = Date.now() - t0;
    const statuses = new Map<number, number>();
    for (const a of answers)
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    const rows = await knex('environments')
      .where({ owner: 'group:default/team-a' })
      .select('status')
      .count({ n: '*' })
      .groupBy('status');
    const byStatus = Object.fromEntries(rows.map(r => [r.status, Number(r.n)]));
    const provisioning = byStatus.provisioning ?? 0;
    const overQuota = Math.max(0, provisioning - QUOTA);
    console.log(
      `${REQUESTS} concurrent creates for one owner (quota ${QUOTA} environments / ${QUOTA} cores) on PostgreSQL in ${elapsed} ms: ` +
        `HTTP ${[...statuses].map(([s, n]) => `${s}x${n}`).join(', ')}; ` +
        `provisioning ${provisioning}, pending_approval ${
          byStatus.pending_approval ?? 0
        }, over the quota: ${overQuota}`,
    );
    expect(statuses.get(202)).toBe(REQUESTS);
    expect(provisioning).toBe(QUOTA);
    expect(byStatus.pending_approval).toBe(REQUESTS - QUOTA);
    return 'done';
  } finally {
    await backend.stop();
    await drop();
  }
}

// Run by jest (the repo's TypeScript transform), as a single long "test" that prints figures.
it('benchmarks the quota check under concurrency on PostgreSQL', async () => {
  expect(await main()).toBe('done');
}, 600_000);
