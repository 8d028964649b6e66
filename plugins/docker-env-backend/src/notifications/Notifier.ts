import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Environment } from '@docker-env/plugin-docker-env-common';
import { WebhookSender } from '@docker-env/plugin-docker-env-node';
import type { DockerEnvStore } from '../store/types';
import type { NewDelivery } from './DeliveryStore';
import {
  DeliveryPayload,
  OutboxPolicy,
  OutboxSender,
  WebhookTarget,
} from './OutboxSender';

/** One webhook subscriber from `dockerEnv.notifier.webhooks`. */
export interface WebhookSubscriber extends WebhookTarget {
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
  /** Backstage notification scope: a later notice of the same scope updates the notification (default: per event). */
  scope?: string;
  /** More of the webhook's `data` (an alert's incident). */
  data?: Record<string, unknown>;
}

/**
 * The one notifier every part calls. A notice becomes deliveries in the outbox (`deliveries`): a Backstage
 * notification to the owner and each `alsoTo` (the notifications email module mails it) and a signed webhook to each
 * subscriber of the event. `stage` writes them in the caller's transaction; `sendSoon` (after commit) has the
 * {@link OutboxSender} try them at once in the background, and its scheduled task retries what failed. No caller
 * waits on a receiver.
 */
export class Notifier {
  /** Reads `dockerEnv.notifier.webhooks`, `dockerEnv.notifier.outbox` and the delivery safety of `dockerEnv.webhooks`. */
  static fromConfig(options: {
    config: Config;
    store: DockerEnvStore;
    notifications: NotificationService;
    logger: LoggerService;
    webhookSender?: Pick<WebhookSender, 'deliver'>;
  }): Notifier {
    const { config } = options;
    const subscribers = (
      config.getOptionalConfigArray('dockerEnv.notifier.webhooks') ?? []
    ).map(c => ({
      url: c.getString('url'),
      secret: c.getString('secret'),
      events: c.getOptionalStringArray('events'),
    }));
    const outbox = config.getOptionalConfig('dockerEnv.notifier.outbox');
    const policy: Partial<OutboxPolicy> = {};
    for (const key of [
      'maxAttempts',
      'initialDelayMs',
      'maxDelayMs',
      'leaseMs',
    ] as const) {
      const value = outbox?.getOptionalNumber(key);
      if (value !== undefined) policy[key] = value;
    }
    const sender = new OutboxSender({
      store: options.store,
      notifications: options.notifications,
      webhooks: options.webhookSender ?? singleAttemptSender(config),
      targets: subscribers,
      logger: options.logger,
      policy,
    });
    return new Notifier(options.store, sender, subscribers);
  }

  constructor(
    private readonly store: Pick<DockerEnvStore, 'deliveries'>,
    /** Sends the outbox; the plugin schedules `outbox.drain`. */
    readonly outbox: OutboxSender,
    private readonly subscribers: WebhookSubscriber[],
  ) {}

  /**
   * Writes the notice's deliveries through `tx` (a transaction's store: they commit or roll back with the change);
   * call {@link Notifier.sendSoon} once it committed.
   */
  async stage(
    notice: EnvironmentNotice,
    tx: Pick<DockerEnvStore, 'deliveries'>,
  ): Promise<void> {
    const deliveries = tx.deliveries();
    for (const delivery of this.deliveriesOf(notice)) {
      await deliveries.insert(delivery);
    }
  }

  /** Has the outbox try what is due now, in the background. */
  sendSoon(): void {
    this.outbox.kick();
  }

  /** Stages the notice on the plugin's connection and sends it soon: for notices that follow no change of records. */
  async notify(notice: EnvironmentNotice): Promise<void> {
    await this.stage(notice, this.store);
    this.sendSoon();
  }

  private deliveriesOf(notice: EnvironmentNotice): NewDelivery[] {
    const base = {
      environmentId: notice.environment.id,
      operationId: notice.operationId ?? null,
      event: notice.event,
    };
    const payload: DeliveryPayload = {
      title: notice.title,
      description: notice.description,
      link: notice.link,
      severity: notice.severity ?? 'normal',
      scope:
        notice.scope ?? `docker-env:${notice.environment.id}:${notice.event}`,
      data: {
        environment: notice.environment,
        operationId: notice.operationId ?? null,
        title: notice.title,
        description: notice.description,
        ...notice.data,
      },
    };
    const recipients = [
      ...new Set([notice.environment.owner, ...(notice.alsoTo ?? [])]),
    ];
    return [
      ...recipients.map(recipient => ({
        ...base,
        channel: 'notification' as const,
        recipient,
        payload,
      })),
      ...this.subscribers
        .filter(s => !s.events || s.events.includes(notice.event))
        .map(s => ({
          ...base,
          channel: 'webhook' as const,
          recipient: s.url,
          payload,
        })),
    ];
  }
}

/** The `dockerEnv.webhooks` safety rules with one attempt per call: retries are the outbox's. */
function singleAttemptSender(config: Config): WebhookSender {
  // checks the whole section (a bad value is a ConfigError naming its key); its retry keys are for direct callers
  WebhookSender.fromConfig(config);
  const c = config.getOptionalConfig('dockerEnv.webhooks');
  const timeoutMs = c?.getOptionalNumber('timeoutMs');
  return new WebhookSender({
    allowedHosts: c?.getOptionalStringArray('allowedHosts'),
    allowPrivateNetworks: c?.getOptionalBoolean('allowPrivateNetworks'),
    timeoutMs: timeoutMs ?? 10_000,
    maxAttempts: 1,
  });
}
