import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { ExpiryAction, ExpiryTaskDeps, runExpiry } from './expiryTask';

/** `dockerEnv.lifecycle.expiry.action`: `pause` (default) or `delete`. */
export function expiryActionFromConfig(config: Config): ExpiryAction {
  const action =
    config.getOptionalString('dockerEnv.lifecycle.expiry.action') ?? 'pause';
  if (action !== 'pause' && action !== 'delete')
    throw new InputError(
      `dockerEnv.lifecycle.expiry.action: must be pause or delete, not ${action}`,
    );
  return action;
}

/** Schedules the expiry task hourly, once across replicas (global scope); it also drops the expired idempotency keys. */
export async function scheduleExpiry(
  options: Omit<ExpiryTaskDeps, 'action' | 'now'> & {
    config: Config;
    scheduler: SchedulerService;
    logger: LoggerService;
  },
): Promise<void> {
  const action = expiryActionFromConfig(options.config);
  await options.scheduler.scheduleTask({
    id: 'docker-env-expiry',
    frequency: { hours: 1 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 1 },
    scope: 'global',
    fn: async () => {
      // idempotency keys whose day after their operation passed
      await options.store.sweepIdempotencyKeys(new Date());
      const report = await runExpiry({ ...options, action });
      for (const skipped of report.skipped)
        options.logger.info(
          `Expiry: skipped ${skipped}; the next run tries again`,
        );
      if (report.warned.length || report.queued.length)
        options.logger.info(
          `Expiry: warned ${
            report.warned.join(', ') || 'none'
          }; queued ${action} of ${report.queued.join(', ') || 'none'}`,
        );
    },
  });
}
