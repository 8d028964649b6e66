import { DatabaseDockerEnvStore } from '../store';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { readRunnerConfig, startOperationRunner } from './startOperationRunner';
import {
  migrate,
  operationRow,
  queueOperation,
  step,
  target,
} from './__testUtils__/operations';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('startOperationRunner', () => {
  it('starts with the plugin, sweeps on a global schedule and stops on shutdown', async () => {
    const db = await databases.init('SQLITE_3');
    await migrate(db);
    const scheduler = mockServices.scheduler.mock();
    const lifecycle = mockServices.lifecycle.mock();
    const log: string[] = [];
    const runner = (await startOperationRunner({
      store: DatabaseDockerEnvStore.fromKnex(db),
      config: mockServices.rootConfig({
        data: { dockerEnv: { runner: { pollIntervalMs: 20 } } },
      }),
      logger: mockServices.logger.mock(),
      scheduler,
      lifecycle,
      registry: { provision: { steps: () => [step('lxc', log)] } },
      loadTarget: async operation => target(operation.environmentId),
    }))!;

    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'docker-env-operation-recovery',
        scope: 'global',
        frequency: { seconds: 30 },
      }),
    );
    const sweep = scheduler.scheduleTask.mock.calls[0][0]
      .fn as () => Promise<void>;

    // Before the plugin has started nothing runs; the sweep runs what it finds.
    const first = await queueOperation(db);
    await sweep();
    await runner.whenIdle();
    expect((await operationRow(db, first)).status).toBe('succeeded');

    // Started: a new operation is picked up by the poll loop, woken at once.
    const [startup] = lifecycle.addStartupHook.mock.calls[0];
    await startup();
    const second = await queueOperation(db);
    runner.wake();
    const deadline = Date.now() + 5000;
    while ((await operationRow(db, second)).status !== 'succeeded') {
      if (Date.now() > deadline) throw new Error('not run by the poll loop');
      await new Promise(r => setTimeout(r, 20));
    }

    const [shutdown] = lifecycle.addShutdownHook.mock.calls[0];
    await shutdown();
    const third = await queueOperation(db);
    runner.wake();
    await new Promise(r => setTimeout(r, 100));
    expect((await operationRow(db, third)).status).toBe('queued');
    expect(log).toEqual(['run lxc', 'run lxc']);
  });

  it('does not run on a replica where it is disabled', async () => {
    const scheduler = mockServices.scheduler.mock();
    const lifecycle = mockServices.lifecycle.mock();
    const runner = await startOperationRunner({
      store: DatabaseDockerEnvStore.fromKnex(await databases.init('SQLITE_3')),
      config: mockServices.rootConfig({
        data: { dockerEnv: { runner: { enabled: false } } },
      }),
      logger: mockServices.logger.mock(),
      scheduler,
      lifecycle,
      registry: {},
      loadTarget: async operation => target(operation.environmentId),
    });
    expect(runner).toBeUndefined();
    expect(scheduler.scheduleTask).not.toHaveBeenCalled();
    expect(lifecycle.addStartupHook).not.toHaveBeenCalled();
  });

  it('reads its settings with defaults and refuses a non-positive one, naming the key', () => {
    expect(readRunnerConfig(mockServices.rootConfig({ data: {} }))).toEqual({
      concurrency: 4,
      leaseMs: 30_000,
      pollIntervalMs: 250,
      maxAttempts: 3,
      shutdownGraceMs: 5000,
      recoveryFrequencySeconds: 30,
    });
    expect(() =>
      readRunnerConfig(
        mockServices.rootConfig({
          data: { dockerEnv: { runner: { concurrency: 0 } } },
        }),
      ),
    ).toThrow('dockerEnv.runner.concurrency must be a positive number, got 0');
  });
});
