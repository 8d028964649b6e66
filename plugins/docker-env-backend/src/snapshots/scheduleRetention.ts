import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { ProxmoxApiClient } from '@docker-env/plugin-docker-env-node';
import { pruneFinalBackups } from '../backups';
import type { DockerEnvStore } from '../store';
import {
  RETENTION_ACTOR,
  RetentionScope,
  runSnapshotRetention,
} from './retentionTask';

/** `dockerEnv.snapshots`: how long snapshots (and final backups) are kept, and how often retention runs. */
export interface RetentionConfig {
  retentionDays: number;
  /** `dockerEnv.snapshots.retentionScope`: `portal` (default) prunes only the portal's snapshots, `all` every one. */
  scope: RetentionScope;
  frequency: SchedulerServiceTaskScheduleDefinition['frequency'];
}

/** Reads `dockerEnv.snapshots.retentionDays` (default 30, a whole number of days >= 1), `.retentionScope` (default `portal`) and `.retentionFrequency` (default 1 hour). */
export function retentionConfig(config: Config): RetentionConfig {
  const retentionDays =
    config.getOptionalNumber('dockerEnv.snapshots.retentionDays') ?? 30;
  if (!Number.isInteger(retentionDays) || retentionDays < 1)
    throw new InputError(
      `dockerEnv.snapshots.retentionDays: must be a whole number of days, at least 1 (not ${retentionDays})`,
    );
  const scope =
    config.getOptionalString('dockerEnv.snapshots.retentionScope') ?? 'portal';
  if (scope !== 'portal' && scope !== 'all')
    throw new InputError(
      `dockerEnv.snapshots.retentionScope: must be portal or all (not ${scope})`,
    );
  const frequency = config.has('dockerEnv.snapshots.retentionFrequency')
    ? readDurationFromConfig(config, {
        key: 'dockerEnv.snapshots.retentionFrequency',
      })
    : { hours: 1 };
  return { retentionDays, scope, frequency };
}

/** Schedules snapshot and final-backup retention, once across replicas (global scope). */
export async function scheduleSnapshotRetention(options: {
  config: Config;
  scheduler: SchedulerService;
  logger: LoggerService;
  store: DockerEnvStore;
}): Promise<void> {
  const { retentionDays, scope, frequency } = retentionConfig(options.config);
  let proxmox: ProxmoxApiClient | undefined;
  await options.scheduler.scheduleTask({
    id: 'docker-env-snapshot-retention',
    frequency,
    timeout: { minutes: 10 },
    initialDelay: { minutes: 2 },
    scope: 'global',
    fn: async () => {
      const client = () =>
        (proxmox ??= ProxmoxApiClient.fromConfig(options.config));
      const report = await runSnapshotRetention({
        ...options,
        retentionDays,
        scope,
        proxmox: client,
      });
      const pruned = await pruneFinalBackups({
        ...options,
        retentionDays,
        proxmox: client,
        actor: RETENTION_ACTOR,
      });
      for (const skipped of report.skipped)
        options.logger.info(
          `Retention: skipped ${skipped}; the next run tries again`,
        );
      if (report.queued.length || pruned.length)
        options.logger.info(
          `Retention: queued the delete of snapshots ${
            report.queued.join(', ') || 'none'
          }; pruned final backups ${pruned.join(', ') || 'none'}`,
        );
    },
  });
}
