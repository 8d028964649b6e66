import { mockServices } from '@backstage/backend-test-utils';
import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import type { ReconcilerStore } from './reconcilePass';
import {
  RECONCILER_TASK_ID,
  reconcilerScheduleFromConfig,
  scheduleReconciler,
} from './scheduleReconciler';

const config = (reconciler?: object) =>
  new ConfigReader({ dockerEnv: reconciler ? { reconciler } : {} });

describe('scheduling the reconciler', () => {
  async function scheduled(reconciler?: object) {
    const tasks: Array<
      SchedulerServiceTaskScheduleDefinition & { id: string }
    > = [];
    await scheduleReconciler({
      config: config(reconciler),
      scheduler: {
        scheduleTask: async (task: any) => {
          tasks.push(task);
        },
      } as any,
      logger: mockServices.logger.mock(),
      // scheduling reads no record
      store: {} as ReconcilerStore,
    });
    return tasks;
  }

  it('runs once across replicas every 10 minutes by default', async () => {
    const [task, ...more] = await scheduled();
    expect(more).toEqual([]);
    expect(task).toMatchObject({
      id: RECONCILER_TASK_ID,
      scope: 'global',
      frequency: { minutes: 10 },
    });
  });

  it('takes dockerEnv.reconciler.frequency as a duration object or an ISO 8601 string', async () => {
    expect(
      (await scheduled({ frequency: { minutes: 3 } }))[0].frequency,
    ).toEqual({ minutes: 3 });
    expect(
      reconcilerScheduleFromConfig(config({ frequency: 'PT30M' })).frequency,
    ).toEqual({ minutes: 30 });
    expect(() =>
      reconcilerScheduleFromConfig(config({ frequency: 'often' })),
    ).toThrow(/frequency/);
  });

  it('schedules nothing when dockerEnv.reconciler.enabled is false', async () => {
    expect(await scheduled({ enabled: false })).toEqual([]);
  });
});
