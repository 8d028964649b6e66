import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { WebhookSender } from '@docker-env/plugin-docker-env-node';
import type { DockerEnvStore } from '../store/types';
import type { Delivery } from './DeliveryStore';

/** A webhook subscriber's URL and HMAC key (`dockerEnv.notifier.webhooks`). */
export interface WebhookTarget {
  url: string;
  secret: string;
}

/** What a notification or webhook delivery sends: the notice, as stored in the outbox row. */
export interface DeliveryPayload {
  title: string;
  description: string;
  link?: string;
  severity?: 'critical' | 'high' | 'normal' | 'low';
  /** The webhook's `data`: the environment and the operation. */
  data?: unknown;
  /** Backstage notification scope (one notification per environment and event). */
  scope?: string;
}

/** Retry policy of the outbox (`dockerEnv.notifier.outbox`). */
export interface OutboxPolicy {
  /** Attempts before a delivery is given up (default 12: about a day with the default delays). */
  maxAttempts: number;
  /** Wait after the first failed attempt; doubles per attempt with jitter (default 5000). */
  initialDelayMs: number;
  /** Cap of one wait (default 3 hours). */
  maxDelayMs: number;
  /** How long a sender holds a claimed delivery; past it another sender takes it (default 60000). */
  leaseMs: number;
  /** Deliveries claimed per query (default 20); they are sent concurrently. */
  batchSize: number;
}

/** The defaults of {@link OutboxPolicy}. */
export const DEFAULT_OUTBOX_POLICY: OutboxPolicy = {
  maxAttempts: 12,
  initialDelayMs: 5000,
  maxDelayMs: 3 * 3_600_000,
  leaseMs: 60_000,
  batchSize: 20,
};

/** How long one pass keeps claiming (below the 60 s timeout of the scheduled task). */
const PASS_BUDGET_MS = 40_000;

/** What one pass did. */
export interface OutboxPassReport {
  delivered: number;
  retried: number;
  failed: number;
}

type AttemptResult =
  | { ok: true }
  | { ok: false; error: string; retry: boolean };

/**
 * Sends the outbox: claims due deliveries under a lease, makes one attempt each (a Backstage notification, which
 * the notifications email module mails, or one signed webhook POST carrying the delivery id), and records the
 * outcome or the next attempt's time. `kick` runs a pass in the background right after a change committed; the
 * scheduled task (`scope: 'global'`) runs passes for retries and for what a crash left behind.
 */
export class OutboxSender {
  private running: Promise<OutboxPassReport> | undefined;
  private again = false;

  constructor(
    private readonly deps: {
      store: Pick<DockerEnvStore, 'deliveries'>;
      notifications: Pick<NotificationService, 'send'>;
      /** Makes one attempt per call (`maxAttempts: 1`): the outbox does the retrying. */
      webhooks: Pick<WebhookSender, 'deliver'>;
      targets: WebhookTarget[];
      logger: LoggerService;
      policy?: Partial<OutboxPolicy>;
      now?: () => Date;
      random?: () => number;
    },
  ) {}

  private get policy(): OutboxPolicy {
    return { ...DEFAULT_OUTBOX_POLICY, ...this.deps.policy };
  }

  /** Starts a pass in the background (or one more after the running pass); never throws, never awaited by callers. */
  kick(): void {
    this.drain().catch(error =>
      this.deps.logger.warn(`Outbox pass failed: ${error}`),
    );
  }

  /** Sends every due delivery; when a pass is running, resolves with the pass that follows it. */
  async drain(): Promise<OutboxPassReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      const total: OutboxPassReport = { delivered: 0, retried: 0, failed: 0 };
      try {
        do {
          this.again = false;
          await this.pass(total);
        } while (this.again);
      } finally {
        this.running = undefined;
      }
      return total;
    })();
    return this.running;
  }

  private async pass(total: OutboxPassReport): Promise<void> {
    const { leaseMs, batchSize } = this.policy;
    const started = Date.now();
    // stop claiming before the scheduled task's timeout; what is left is due for the next pass
    while (Date.now() - started < PASS_BUDGET_MS) {
      const claimed = await this.deps.store
        .deliveries()
        .claimDue({ now: this.now(), leaseMs, limit: batchSize });
      if (claimed.length === 0) return;
      const outcomes = await Promise.all(claimed.map(d => this.send(d)));
      for (const o of outcomes) total[o]++;
    }
  }

  private async send(
    delivery: Delivery,
  ): Promise<'delivered' | 'retried' | 'failed'> {
    const store = this.deps.store.deliveries();
    const attempts = delivery.attempts + 1;
    const result = await this.attempt(delivery);
    if (result.ok) {
      await store.finish(delivery.id, { status: 'delivered', attempts });
      return 'delivered';
    }
    if (!result.retry || attempts >= this.policy.maxAttempts) {
      this.deps.logger.warn(
        `Delivery ${delivery.deliveryId} (${delivery.event} to ${delivery.recipient}) given up after ${attempts} attempts: ${result.error}`,
      );
      await store.finish(delivery.id, {
        status: 'failed',
        attempts,
        error: result.error,
      });
      return 'failed';
    }
    await store.retryLater(delivery.id, {
      attempts,
      error: result.error,
      nextAttemptAt: new Date(this.now().getTime() + this.backoff(attempts)),
    });
    return 'retried';
  }

  private async attempt(delivery: Delivery): Promise<AttemptResult> {
    const payload = delivery.payload as DeliveryPayload | null;
    if (!payload) return { ok: false, retry: false, error: 'nothing to send' };
    try {
      if (delivery.channel === 'notification') {
        await this.deps.notifications.send({
          recipients: { type: 'entity', entityRef: delivery.recipient },
          payload: {
            title: payload.title,
            description: payload.description,
            link: payload.link,
            severity: payload.severity ?? 'normal',
            topic: delivery.event,
            scope: payload.scope,
          },
        });
        return { ok: true };
      }
      return await this.postWebhook(delivery, payload);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // a bad URL or event name will not get better by waiting
      const retry = !(error instanceof Error && error.name === 'InputError');
      return { ok: false, retry, error: message };
    }
  }

  private async postWebhook(
    delivery: Delivery,
    payload: DeliveryPayload,
  ): Promise<AttemptResult> {
    const target = this.deps.targets.find(t => t.url === delivery.recipient);
    if (!target) {
      return {
        ok: false,
        retry: false,
        error: 'the subscriber is no longer configured',
      };
    }
    const report = await this.deps.webhooks.deliver({
      url: target.url,
      secret: target.secret,
      event: delivery.event,
      deliveryId: delivery.deliveryId,
      payload: payload.data ?? null,
    });
    if (report.ok) return { ok: true };
    const status = report.status;
    // redirects and 4xx other than 429 are the receiver's answer, not a passing fault
    const retry = status === undefined || status >= 500 || status === 429;
    return { ok: false, retry, error: report.error ?? `HTTP ${status}` };
  }

  /** Exponential backoff with jitter: between half and all of the capped doubling. */
  private backoff(attempts: number): number {
    const { initialDelayMs, maxDelayMs } = this.policy;
    const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempts - 1));
    const random = this.deps.random ?? Math.random;
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}
