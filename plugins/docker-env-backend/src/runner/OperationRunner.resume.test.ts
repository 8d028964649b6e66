import { DatabaseDockerEnvStore } from '../store';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import type { OperationStep } from '@docker-env/plugin-docker-env-workflows-node';
import type { Knex } from 'knex';
import { OperationQueue } from './OperationQueue';
import {
  migrate,
  operationRow,
  queueOperation,
  step,
  stepRows,
  testRunner,
} from './__testUtils__/operations';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

describe.each(databases.eachSupportedId())(
  'OperationRunner resuming on %s',
  id => {
    let db: Knex;
    beforeAll(async () => {
      db = await databases.init(id);
      await migrate(db);
    });

    /** A runner that claimed the operation, finished `lxc` and died while `start` was running. */
    async function abandonMidStep(opId: string) {
      const dead = new OperationQueue(DatabaseDockerEnvStore.fromKnex(db), {
        ownerId: 'dead',
        leaseMs: 60_000,
      });
      const claim = (await dead.tryClaim(opId))!;
      await dead.plan(claim, ['lxc', 'start', 'route']);
      await dead.updateStep(claim, 0, { status: 'running', started: true });
      await dead.updateStep(claim, 0, {
        status: 'succeeded',
        facts: { vmid: 101 },
        ended: true,
      });
      await dead.updateStep(claim, 1, { status: 'running', started: true });
      await db('operations')
        .where({ id: opId })
        .update({ claim_expires_at: new Date(Date.now() - 1000) });
      return { dead, claim };
    }

    const steps = (log: string[], seen: unknown[]): OperationStep[] => [
      step('lxc', log),
      step('start', log, {
        run: async ctx => {
          seen.push(ctx.facts.vmid);
          return { started: true };
        },
      }),
      step('route', log),
    ];

    it('takes over an expired claim: skips finished steps, reloads their facts, runs the interrupted step again', async () => {
      const log: string[] = [];
      const seen: unknown[] = [];
      const opId = await queueOperation(db);
      const { dead, claim } = await abandonMidStep(opId);

      await testRunner(db, 'b', {
        registry: { provision: { steps: () => steps(log, seen) } },
      }).whenIdle();

      expect(log).toEqual(['run start', 'run route']);
      expect(seen).toEqual([101]);
      const op = await operationRow(db, opId);
      expect(op).toMatchObject({ status: 'succeeded', claimed_by: 'b' });
      expect(Number(op.attempts)).toBe(2);
      expect(JSON.parse(op.result)).toEqual({
        vmid: 101,
        started: true,
        route: true,
      });
      expect((await stepRows(db, opId)).map(s => s.status)).toEqual([
        'succeeded',
        'succeeded',
        'succeeded',
      ]);
      // The runner that lost its claim can no longer write.
      await expect(dead.heartbeat(claim)).rejects.toThrow('was lost');
    });

    it('rolls the interrupted operation back when its kind says so', async () => {
      const log: string[] = [];
      const opId = await queueOperation(db);
      await abandonMidStep(opId);

      await testRunner(db, 'b', {
        registry: {
          provision: { steps: () => steps(log, []), onInterrupted: 'rollback' },
        },
      }).whenIdle();

      expect(log).toEqual(['undo start', 'undo lxc']);
      const op = await operationRow(db, opId);
      expect(op.status).toBe('rolled_back');
      expect(op.error).toMatch(/^step start: interrupted/);
      expect((await stepRows(db, opId)).map(s => s.status)).toEqual([
        'undone',
        'undone',
        'skipped',
      ]);
    });

    it('continues an interrupted rollback where it stopped', async () => {
      const log: string[] = [];
      const opId = await queueOperation(db);
      const dead = new OperationQueue(DatabaseDockerEnvStore.fromKnex(db), {
        ownerId: 'dead',
        leaseMs: 60_000,
      });
      const claim = (await dead.tryClaim(opId))!;
      await dead.plan(claim, ['lxc', 'start', 'route']);
      await dead.updateStep(claim, 0, { status: 'succeeded', ended: true });
      await dead.updateStep(claim, 1, { status: 'succeeded', ended: true });
      await dead.updateStep(claim, 2, { status: 'failed', error: 'boom' });
      await dead.recordFailure(claim, 'route', 'step route: boom');
      await dead.updateStep(claim, 2, { status: 'undone', ended: true });
      await dead.updateStep(claim, 1, { status: 'undoing', started: true });
      await db('operations')
        .where({ id: opId })
        .update({ claim_expires_at: new Date(Date.now() - 1000) });

      await testRunner(db, 'b', {
        registry: { provision: { steps: () => steps(log, []) } },
      }).whenIdle();

      expect(log).toEqual(['undo start', 'undo lxc']);
      expect(await operationRow(db, opId)).toMatchObject({
        status: 'rolled_back',
        error: 'step route: boom',
        failed_step: 'route',
      });
    });

    it('resumes the operation of a runner that froze mid-step, and fences the frozen one out', async () => {
      const opId = await queueOperation(db);
      let release!: () => void;
      const frozenStep = new Promise<void>(resolve => {
        release = resolve;
      });
      const runs: string[] = [];
      const registry = (owner: string) => ({
        provision: {
          steps: () => [
            step('lxc', runs, {
              run: async () => ({ [`lxc-${owner}`]: true }),
            }),
            step('start', runs, {
              timeoutMs: 30_000,
              run: async () => {
                if (owner === 'frozen') await frozenStep;
                return { startedBy: owner };
              },
            }),
          ],
        },
      });
      // A replica that stops heartbeating (frozen or killed) while its step runs.
      const frozenQueue = new OperationQueue(
        DatabaseDockerEnvStore.fromKnex(db),
        {
          ownerId: 'frozen',
          leaseMs: 300,
        },
      );
      frozenQueue.heartbeat = () => new Promise(() => {});
      const frozen = testRunner(db, 'frozen', {
        queue: frozenQueue,
        registry: registry('frozen'),
      });
      const frozenDone = frozen.whenIdle();
      await waitFor(async () =>
        (
          await stepRows(db, opId)
        ).some(s => s.name === 'start' && s.status === 'running'),
      );

      const healthy = testRunner(db, 'healthy', {
        registry: registry('healthy'),
      });
      await waitFor(async () => (await healthy.poll()) > 0 || false);
      await healthy.whenIdle();
      release();
      await frozenDone;

      expect(runs).toEqual(['run lxc', 'run start', 'run start']);
      const op = await operationRow(db, opId);
      expect(op).toMatchObject({ status: 'succeeded', claimed_by: 'healthy' });
      expect(JSON.parse(op.result)).toEqual({
        'lxc-frozen': true,
        startedBy: 'healthy',
      });
    });

    it('gives up on an operation interrupted too often instead of retrying forever', async () => {
      const opId = await queueOperation(db);
      await abandonMidStep(opId);
      await db('operations').where({ id: opId }).update({ attempts: 6 });

      const log: string[] = [];
      await testRunner(db, 'b', {
        registry: { provision: { steps: () => steps(log, []) } },
        maxAttempts: 3,
      }).whenIdle();

      expect(log).toEqual([]);
      const op = await operationRow(db, opId);
      expect(op.status).toBe('failed');
      expect(op.error).toBe(
        'abandoned after 6 interrupted attempts; leftovers may remain',
      );
    });

    it('on stop, aborts the running step after the grace period and releases the claim for another runner', async () => {
      const opId = await queueOperation(db);
      const log: string[] = [];
      let abortedWith: unknown;
      const runner = testRunner(db, 'stopping', {
        shutdownGraceMs: 100,
        registry: {
          provision: {
            steps: () => [
              step('lxc', log, {
                timeoutMs: 30_000,
                run: ctx =>
                  new Promise(() => {
                    ctx.signal.addEventListener('abort', () => {
                      abortedWith = ctx.signal.reason;
                    });
                  }),
              }),
            ],
          },
        },
      });
      runner.start();
      await waitFor(async () =>
        (await stepRows(db, opId)).some(s => s.status === 'running'),
      );
      await runner.stop();

      expect(String(abortedWith)).toContain('shutting down');
      const op = await operationRow(db, opId);
      expect(op.status).toBe('running');
      expect((await stepRows(db, opId))[0].status).toBe('running');
      const next = testRunner(db, 'next', {
        registry: { provision: { steps: () => [step('lxc', log)] } },
      });
      expect(await next.poll()).toBe(1);
      await next.whenIdle();
      expect(await operationRow(db, opId)).toMatchObject({
        status: 'succeeded',
        claimed_by: 'next',
      });
    });
  },
);

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise(r => setTimeout(r, 20));
  }
}
