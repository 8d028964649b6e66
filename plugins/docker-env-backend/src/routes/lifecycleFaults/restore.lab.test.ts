import { TestDatabases } from '@backstage/backend-test-utils';
import { LAB_PRIVATE_REGISTRY } from '@docker-env/lab';
import { PROVISION_STEP_NAMES } from '@docker-env/plugin-docker-env-workflows-node';
import type { Knex } from 'knex';
import request from 'supertest';
import {
  labBackendView,
  labObserver,
} from '@docker-env/lab-testing/backend/labAgreement';
import {
  API,
  as,
  LabBackend,
  startLabBackend,
} from '@docker-env/lab-testing/backend/labBackend';
import { FAULT_TEST_WAITS } from '@docker-env/lab-testing/backend/lifecycleFaultSuite';
import {
  clearFaults,
  injectFaultAt,
  RESTORE_FAULT_POINTS,
  restoreStepNames,
} from '@docker-env/lab-testing/backend/lifecycleFaults';
import { labHoldings } from '@docker-env/lab-testing/backend/provisioningLab';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const steps = restoreStepNames();
const cases = steps.flatMap(step =>
  (['error', 'hang'] as const).map(fault => [step, fault] as const),
);

/*
 * A restore that fails is rolled back like a provisioning: the new environment's record is `failed` (its name free
 * again), nothing of it is left in the lab or the route folder, and the backup is no longer marked restored. One
 * final backup (of an environment provisioned and deleted once) serves every case.
 */
describe('restore through the API with a fault at every step', () => {
  let l: LabBackend;
  let knex: Knex;
  let observer: ReturnType<typeof labObserver>;
  let backupId: string;

  const restore = (name: string) =>
    request(l.server)
      .post(`${API}/backups/${backupId}/restore`)
      .set('Authorization', as('root'))
      .send({ name });
  const backupRecord = async () =>
    (
      await request(l.server)
        .get(`${API}/backups`)
        .set('Authorization', as('root'))
    ).body.items.find((b: { id: string }) => b.id === backupId);
  const ended = async (operationId: string) => {
    for (let i = 0; i < 1500; i++) {
      const op = await knex('operations').where({ id: operationId }).first();
      if (!['queued', 'running'].includes(op.status)) return op;
      await new Promise(r => setTimeout(r, 20));
    }
    throw new Error(`operation ${operationId} did not end`);
  };

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    l = await startLabBackend({
      knex,
      lifecycle: FAULT_TEST_WAITS,
      // a hung call meets its step's timeout in 2 s
      dockerEnv: {
        // the backup's owner has a registry: the restored environment's `registries` step grants it
        registries: [
          {
            name: 'alice-gitlab',
            owner: 'user:default/alice',
            url: LAB_PRIVATE_REGISTRY.url,
            username: LAB_PRIVATE_REGISTRY.username,
            password: LAB_PRIVATE_REGISTRY.password,
          },
        ],
        provisioning: {
          agent: { scheme: 'http' },
          pollIntervalMs: 10,
          timeouts: Object.fromEntries(
            PROVISION_STEP_NAMES.map(n => [n, 2000]),
          ),
        },
      },
    });
    observer = labObserver(labBackendView(l), knex);
    await l.provision('restore-source');
    const del = await request(l.server)
      .delete(`${API}/environments/restore-source?confirmName=restore-source`)
      .set('Authorization', as('alice'));
    if (del.status !== 202) throw new Error(`delete: ${del.status}`);
    await l.waitForStatus('restore-source', 'deleted');
    const listed = await request(l.server)
      .get(`${API}/backups`)
      .set('Authorization', as('root'));
    backupId = listed.body.items.find(
      (b: { environment: string }) => b.environment === 'restore-source',
    ).id;
  });
  afterAll(async () => {
    if (l) clearFaults(l.lab);
    await l?.stop();
  });
  afterEach(() => clearFaults(l.lab));

  it('has a fault point for every step of the step builder', () => {
    expect(Object.keys(RESTORE_FAULT_POINTS)).toEqual(steps);
  });

  it.each(cases)(
    'step %s with an injected %s: rolled back naming the step, nothing left, the retry succeeds',
    async (step, fault) => {
      const name = `restored-${step}-${fault}`;
      const before = await labHoldings(l.lab, l.routesDir);
      // every case restores the one backup afresh; a backup whose restore is up is held (409, see restoreOnce.test.ts)
      await knex('final_backups')
        .where({ id: backupId })
        .update({ restored_to: null });

      injectFaultAt(l.lab, RESTORE_FAULT_POINTS[step], fault, name);
      const sent = await restore(name);
      expect(sent.status).toBe(202);
      const failed = await ended(sent.body.operation.id);
      clearFaults(l.lab);
      expect({ status: failed.status, step: failed.failed_step }).toEqual({
        status: 'rolled_back',
        step,
      });
      expect(failed.error).toContain(`step ${step}: `);
      expect(/timed out/.test(failed.error)).toBe(fault === 'hang');
      const env = await knex('environments')
        .where({ id: sent.body.environment.id })
        .first();
      expect(env.status).toBe('failed');
      expect(env.status_reason).toContain(`step ${step}: `);
      expect(
        await knex('operations').whereIn('status', ['queued', 'running']),
      ).toEqual([]);

      // nothing is left behind: the lab and the route folder hold what they held before, and agree with the record
      expect(await labHoldings(l.lab, l.routesDir)).toEqual(before);
      expect(await observer.expectAgreement(name)).toMatchObject({
        status: 'failed',
      });
      const free = await request(l.server)
        .get(`${API}/names/${name}`)
        .set('Authorization', as('alice'));
      expect(free.body).toMatchObject({ available: true });
      expect((await backupRecord()).restoredTo).toBeNull();

      const retry = await restore(name);
      expect(retry.status).toBe(202);
      const done = await ended(retry.body.operation.id);
      expect({ status: done.status, error: done.error }).toEqual({
        status: 'succeeded',
        error: null,
      });
      expect(await observer.expectAgreement(name)).toMatchObject({
        status: 'ready',
      });
      expect((await backupRecord()).restoredTo).toBe(retry.body.environment.id);
    },
  );
});
