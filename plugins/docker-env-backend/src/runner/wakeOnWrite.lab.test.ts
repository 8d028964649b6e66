import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  API,
  as,
  LabBackend,
  startLabBackend,
} from '@docker-env/lab-testing/backend/labBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/**
 * The runner polls only every 10 minutes here (and the recovery sweep runs hourly), so an operation starts within
 * seconds only because the request that queued it woke the runner.
 */
describe('a request that queues an operation wakes the runner', () => {
  let l: LabBackend;
  const post = (path: string, user: string) =>
    request(l.server).post(`${API}${path}`).set('Authorization', as(user));

  beforeAll(async () => {
    l = await startLabBackend({
      knex: await databases.init('SQLITE_3'),
      dockerEnv: {
        runner: {
          pollIntervalMs: 600_000,
          leaseSeconds: 5,
          recoveryFrequencySeconds: 3600,
        },
        // one S environment fits alice's quota, a second waits for approval
        quotas: {
          default: {
            cpuCores: 1,
            memoryMb: 65536,
            diskGb: 1000,
            environments: 5,
            containers: 5,
          },
        },
      },
    });
  });
  afterAll(() => l?.stop());

  it('POST /environments: provisioning starts at once, not at the next poll', async () => {
    const res = await post('/environments', 'alice').send({
      name: 'woken-by-create',
      owner: 'user:default/alice',
      size: 'S',
    });
    expect(res.status).toBe(202);
    expect(res.body.operation.kind).toBe('provision');
    await l.waitForStatus('woken-by-create', 'ready', 10_000);
  });

  it('approving a request over quota: provisioning starts at once', async () => {
    const res = await post('/environments', 'alice').send({
      name: 'woken-by-approval',
      owner: 'user:default/alice',
      size: 'S',
    });
    expect(res.body.environment.status).toBe('pending_approval');
    const approved = await post(
      `/requests/${res.body.request.id}/approve`,
      'root',
    ).send({});
    expect(approved.status).toBe(200);
    await l.waitForStatus('woken-by-approval', 'ready', 10_000);
  });
});
