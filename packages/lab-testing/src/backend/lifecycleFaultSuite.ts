/* eslint-disable jest/no-export -- a test suite that test files share */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { LifecycleKind } from '@docker-env/plugin-docker-env-workflows-node';
import type { JsonObject } from '@backstage/types';
import type { Knex } from 'knex';
import request from 'supertest';
import {
  type EnvironmentHoldings,
  labBackendView,
  labObserver,
} from './labAgreement';
import { API, as, type LabBackend, startLabBackend } from './labBackend';
import {
  clearFaults,
  faultCases,
  injectStepFault,
  LIFECYCLE_FAULT_POINTS,
  lifecycleStepNames,
} from './lifecycleFaults';

/**
 * Waits of the lifecycle steps in the fault tests: the step timeouts derive from them (a call 1 s, a task 2 s,
 * a shutdown 3 s), so a hung call meets its step's timeout in a few seconds; the lab answers at once.
 */
export const FAULT_TEST_WAITS = {
  shutdownTimeoutSeconds: 1,
  containerStopTimeoutSeconds: 1,
  taskTimeoutMs: 1000,
  backupTimeoutMs: 1000,
  ipTimeoutMs: 1000,
  dockerReadyTimeoutMs: 1000,
  pollIntervalMs: 20,
};

/** What one test file's suite shares: the backend with its runner and the lab, and helpers on them. */
export interface FaultSuiteContext {
  l: LabBackend;
  knex: Knex;
  observer: ReturnType<typeof labObserver>;
  /** Sends a lifecycle request as alice; answers the id of the operation it queued. */
  send(kind: LifecycleKind, name: string, snapshot?: string): Promise<string>;
  /** Waits until the operation ends; answers its row. */
  ended(operationId: string): Promise<Record<string, any>>;
  /** Sends the request and expects the operation to succeed. */
  succeed(kind: LifecycleKind, name: string, snapshot?: string): Promise<void>;
}

/** One operation kind under test: the state each case starts from and what a failure and a retry leave. */
export interface FaultSuiteSpec {
  kind: LifecycleKind;
  /** Brings an environment into the state the kind starts from; answers its name (and snapshot). */
  prepare(
    c: FaultSuiteContext,
    step: string,
  ): Promise<{ name: string; snapshot?: string }>;
  /** What the holdings after the failed operation match (`toMatchObject`), given those before it. */
  afterFailure(before: EnvironmentHoldings, step: string): object;
  /** What the holdings match after the retry succeeded. */
  afterRetry(before: EnvironmentHoldings): object;
  /** More of `dockerEnv` for the backend (registries, ...). */
  dockerEnv?: JsonObject;
  /**
   * More to compare than the holdings: read before the fault, equal after the failure; `afterRetry` of it is what
   * it equals after the retry.
   */
  observed?: {
    read(c: FaultSuiteContext, name: string): Promise<object>;
    afterRetry(before: object): object;
  };
}

/** The owners a `transfer` moves an environment between: alice and her group. */
export const TRANSFER_OWNERS = [
  'user:default/alice',
  'group:default/team-a',
] as const;

/** Kinds that move the environment's status, and so record the reason on it. */
const STATUS_KINDS: LifecycleKind[] = ['pause', 'resume', 'delete'];

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/**
 * For every step of the kind (from its step builder), an error and a hang injected into the lab call that step
 * makes, through the API and the durable runner: the operation ends rolled back with the step named, the database,
 * the lab, the route folder and the edge agree, and the same request sent again succeeds.
 */
export function describeLifecycleFaults(spec: FaultSuiteSpec): void {
  describe(`${spec.kind} through the API with a fault at every step`, () => {
    const c = {} as FaultSuiteContext;

    beforeAll(async () => {
      c.knex = await databases.init('SQLITE_3');
      c.l = await startLabBackend({
        knex: c.knex,
        lifecycle: FAULT_TEST_WAITS,
        ...(spec.dockerEnv ? { dockerEnv: spec.dockerEnv } : {}),
      });
      c.observer = labObserver(labBackendView(c.l), c.knex);
      c.send = async (kind, name, snapshot) => {
        const path = `${API}/environments/${name}`;
        const agent = request(c.l.server);
        const record = await c.knex('environments').where({ name }).first();
        const req = {
          pause: () => agent.post(`${path}/pause`),
          resume: () => agent.post(`${path}/resume`),
          snapshot_create: () =>
            agent.post(`${path}/snapshots`).send({ description: 'faults' }),
          snapshot_rollback: () =>
            agent.post(`${path}/snapshots/${snapshot}/rollback`),
          snapshot_delete: () => agent.delete(`${path}/snapshots/${snapshot}`),
          delete: () => agent.delete(`${path}?confirmName=${name}`),
          // one more core, 1 GiB more memory and 1 GiB more disk than the record has (a retry asks the same)
          resize: () =>
            agent.patch(path).send({
              cpuCores: record.cpu_cores + 1,
              memoryMb: record.memory_mb + 1024,
              diskGb: record.disk_gb + 1,
            }),
          // to alice's group and back (alice belongs to both owners)
          transfer: () =>
            agent.patch(path).send({
              owner:
                record.owner === TRANSFER_OWNERS[0]
                  ? TRANSFER_OWNERS[1]
                  : TRANSFER_OWNERS[0],
            }),
        }[kind]();
        const res = await req.set('Authorization', as('alice'));
        if (res.status !== 202)
          throw new Error(
            `${kind} ${name}: ${res.status} ${JSON.stringify(res.body)}`,
          );
        return res.body.operation.id as string;
      };
      c.ended = async operationId => {
        for (let i = 0; i < 1500; i++) {
          const op = await c
            .knex('operations')
            .where({ id: operationId })
            .first();
          if (!['queued', 'running'].includes(op.status)) return op;
          await new Promise(r => setTimeout(r, 20));
        }
        throw new Error(`operation ${operationId} did not end`);
      };
      c.succeed = async (kind, name, snapshot) => {
        const op = await c.ended(await c.send(kind, name, snapshot));
        if (op.status !== 'succeeded')
          throw new Error(`${kind} ${name}: ${op.status} ${op.error}`);
      };
    });
    afterAll(async () => {
      clearFaults(c.l?.lab);
      await c.l?.stop();
    });
    afterEach(() => clearFaults(c.l.lab));

    it('has a fault point for every step of the step builder', () => {
      expect(Object.keys(LIFECYCLE_FAULT_POINTS[spec.kind])).toEqual(
        lifecycleStepNames(spec.kind),
      );
    });

    it.each(faultCases([spec.kind]).map(([, step, fault]) => [step, fault]))(
      'step %s with an injected %s: rolled back naming the step, everything agrees, the retry succeeds',
      async (step, fault) => {
        const { name, snapshot } = await spec.prepare(c, step);
        const before = await c.observer.expectAgreement(name);
        const observedBefore = await spec.observed?.read(c, name);

        injectStepFault(c.l.lab, spec.kind, step, fault, name);
        const failed = await c.ended(await c.send(spec.kind, name, snapshot));
        clearFaults(c.l.lab);
        expect({
          status: failed.status,
          step: failed.failed_step,
        }).toEqual({ status: 'rolled_back', step });
        expect(failed.error).toContain(`step ${step}: `);
        expect(/timed out/.test(failed.error)).toBe(fault === 'hang');
        const env = await c.knex('environments').where({ name }).first();
        // kinds that move the status record the reason on the environment, the others on the operation only
        expect(env.status_reason?.includes(`step ${step}: `) ?? null).toBe(
          STATUS_KINDS.includes(spec.kind) ? true : null,
        );
        expect(
          await c.knex('operations').whereIn('status', ['queued', 'running']),
        ).toEqual([]);
        const between =
          env.status === 'deleting'
            ? await c.observer.holdings(name)
            : await c.observer.expectAgreement(name);
        expect(between).toMatchObject(spec.afterFailure(before, step));
        const observedBetween = await spec.observed?.read(c, name);
        expect(observedBetween).toEqual(observedBefore);

        await c.succeed(spec.kind, name, snapshot);
        expect(await c.observer.expectAgreement(name)).toMatchObject(
          spec.afterRetry(before),
        );
        const observedAfter = await spec.observed?.read(c, name);
        expect(observedAfter).toEqual(
          observedBefore && spec.observed?.afterRetry(observedBefore),
        );
      },
    );
  });
}
