import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Environment } from '@docker-env/plugin-docker-env-common';
import { WebhookSender } from '@docker-env/plugin-docker-env-node';
import type { DockerEnvStore } from '../store';

/** One webhook subscriber from `dockerEnv.notifier.webhooks`. */
export interface WebhookSubscriber {
  url: string;
  secret: string;
  /** Events to send (`environment.ready`, ...); all when unset. */
  events?: string[];
}

/**
 * Something worth telling an environment's owner about.
 *
 * @public
 */
export interface EnvironmentNotice {
  /** Event name, `environment.<what>` (`environment.ready`, `environment.failed`, ...). */
  event: string;
  environment: Environment;
  operationId?: string;
  title: string;
  description: string;
  /** Link shown with the notification (the entity page or the environment's URL). */
  link?: string;
  severity?: 'critical' | 'high' | 'normal' | 'low';
  /** Entity refs told besides the owner (e.g. admins for an approval). */
  alsoTo?: string[];
}

/**
 * The one notifier every part calls: a Backstage notification to the owner (user or group; the notifications
 * email module mails it), and a signed webhook with retries to each subscriber. Every delivery is recorded in the
 * `deliveries` table with its outcome; a failed channel never fails the others or the caller.
 */
export class Notifier {
  static fromConfig(options: {
    config: Config;
    store: DockerEnvStore;
    notifications: NotificationService;
    logger: LoggerService;
    webhookSender?: WebhookSender;
  }): Notifier {
    const subscribers = (
      options.config.getOptionalConfigArray('dockerEnv.notifier.webhooks') ?? []
    ).map(c => ({
      url: c.getString('url'),
      secret: c.getString('secret'),
      events: c.getOptionalStringArray('events'),
    }));
    return new Notifier(
      options.store,
      options.notifications,
      options.webhookSender ?? WebhookSender.fromConfig(options.config),
      subscribers,
      options.logger,
    );
  }

  constructor(
    private readonly store: DockerEnvStore,
    private readonly notifications: NotificationService,
    private readonly webhooks: WebhookSender,
    private readonly subscribers: WebhookSubscriber[],
    private readonly logger: LoggerService,
  ) {}

  /** Sends the notice on every channel; resolves when every delivery has an outcome. */
  async notify(notice: EnvironmentNotice): Promise<void> {
    const recipients = [notice.environment.owner, ...(notice.alsoTo ?? [])];
    await Promise.all([
      ...recipients.map(r => this.sendNotification(notice, r)),
      ...this.subscribers
        .filter(s => !s.events || s.events.includes(notice.event))
        .map(s => this.sendWebhook(notice, s)),
    ]);
  }

  private async sendNotification(notice: EnvironmentNotice, recipient: string) {
    const id = await this.record(notice, 'notification', recipient);
    try {
      await this.notifications.send({
        recipients: { type: 'entity', entityRef: recipient },
        payload: {
          title: notice.title,
          description: notice.description,
          link: notice.link,
          severity: notice.severity ?? 'normal',
          topic: notice.event,
          scope: `docker-env:${notice.environment.id}:${notice.event}`,
        },
      });
      await this.store.finishDelivery(id, { status: 'delivered', attempts: 1 });
    } catch (error) {
      await this.fail(id, 1, notice, recipient, error);
    }
  }

  private async sendWebhook(
    notice: EnvironmentNotice,
    target: WebhookSubscriber,
  ) {
    const id = await this.record(notice, 'webhook', target.url);
    try {
      const report = await this.webhooks.deliver({
        url: target.url,
        secret: target.secret,
        event: notice.event,
        payload: {
          environment: notice.environment,
          operationId: notice.operationId ?? null,
          title: notice.title,
          description: notice.description,
        },
      });
      if (report.ok) {
        await this.store.finishDelivery(id, {
          status: 'delivered',
          attempts: report.attempts,
        });
      } else {
        await this.fail(
          id,
          report.attempts,
          notice,
          target.url,
          report.error ?? 'not delivered',
        );
      }
    } catch (error) {
      await this.fail(id, 1, notice, target.url, error);
    }
  }

  private record(
    notice: EnvironmentNotice,
    channel: 'notification' | 'webhook',
    recipient: string,
  ) {
    return this.store.insertDelivery({
      environmentId: notice.environment.id,
      operationId: notice.operationId ?? null,
      channel,
      event: notice.event,
      recipient,
    });
  }

  private async fail(
    id: number,
    attempts: number,
    notice: EnvironmentNotice,
    recipient: string,
    error: unknown,
  ) {
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn(
      `Delivery of ${notice.event} to ${recipient} failed: ${message}`,
    );
    await this.store.finishDelivery(id, {
      status: 'failed',
      attempts,
      error: message,
    });
  }
}
