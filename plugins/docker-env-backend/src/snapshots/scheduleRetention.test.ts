import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  retentionConfig,
  scheduleSnapshotRetention,
} from './scheduleRetention';

describe('snapshot retention schedule', () => {
  it('runs once across replicas at the configured frequency; 30 days and hourly by default', async () => {
    const scheduleTask = jest.fn();
    const options = {
      scheduler: { scheduleTask } as any,
      logger: mockServices.logger.mock(),
      knex: {} as any,
      store: {} as any,
    };
    await scheduleSnapshotRetention({
      ...options,
      config: new ConfigReader({
        dockerEnv: { snapshots: { retentionFrequency: { minutes: 15 } } },
      }),
    });
    expect(scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'docker-env-snapshot-retention',
        scope: 'global',
        frequency: { minutes: 15 },
      }),
    );
    expect(retentionConfig(new ConfigReader({}))).toEqual({
      retentionDays: 30,
      scope: 'portal',
      frequency: { hours: 1 },
    });
    expect(
      retentionConfig(
        new ConfigReader({
          dockerEnv: { snapshots: { retentionScope: 'all' } },
        }),
      ).scope,
    ).toBe('all');
    expect(() =>
      retentionConfig(
        new ConfigReader({
          dockerEnv: { snapshots: { retentionScope: 'mine' } },
        }),
      ),
    ).toThrow(/^dockerEnv.snapshots.retentionScope: must be portal or all/);
    expect(
      retentionConfig(
        new ConfigReader({ dockerEnv: { snapshots: { retentionDays: 7 } } }),
      ).retentionDays,
    ).toBe(7);
  });

  it.each([0, 1.5, -3])('refuses retentionDays %p naming the field', days => {
    expect(() =>
      retentionConfig(
        new ConfigReader({ dockerEnv: { snapshots: { retentionDays: days } } }),
      ),
    ).toThrow(/^dockerEnv.snapshots.retentionDays: must be a whole number/);
  });
});
