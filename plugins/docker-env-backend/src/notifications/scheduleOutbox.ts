import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import type { OutboxSender } from './OutboxSender';

/**
 * Schedules the outbox's retry pass (task `docker-env-notification-outbox`), once across replicas (global scope),
 * every `dockerEnv.notifier.outbox.frequencySeconds` (default 15): it sends what failed before, and what a crash left
 * pending or claimed, once the claim's lease ran out.
 */
export async function scheduleOutbox(options: {
  config: Config;
  scheduler: SchedulerService;
  logger: LoggerService;
  outbox: Pick<OutboxSender, 'drain'>;
}): Promise<void> {
  const seconds =
    options.config.getOptionalNumber(
      'dockerEnv.notifier.outbox.frequencySeconds',
    ) ?? 15;
  await options.scheduler.scheduleTask({
    id: 'docker-env-notification-outbox',
    frequency: { seconds },
    // a replica killed mid-pass holds the task until this timeout: keep it short (a pass stops claiming at 40 s)
    timeout: { seconds: 60 },
    scope: 'global',
    fn: async () => {
      const report = await options.outbox.drain();
      if (report.retried || report.failed)
        options.logger.info(
          `Outbox: ${report.delivered} delivered, ${report.retried} to retry, ${report.failed} given up`,
        );
    },
  });
}
