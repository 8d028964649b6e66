import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { WebhookSender } from '@docker-env/plugin-docker-env-node';
import { Notifier } from '../../notifications/Notifier';
import { OutboxSender } from '../../notifications/OutboxSender';
import type { DockerEnvStore } from '../../store/types';
import { AlertActions } from '../AlertActions';
import { readAlertSettings } from '../config';
import { ContainerAlerts } from '../ContainerAlerts';

const SECRET = 'alerts-test-secret-0123456789';

/** A webhook receiver on loopback (the lab-testing receiver, started by the test: only a test file imports it). */
export interface AlertReceiver {
  url: string;
  hits: Array<{ at: number; body: string }>;
  close(): Promise<void>;
}

/** A notification the outbox sent. */
export interface SentNotification {
  at: number;
  recipient: string;
  title: string;
  description: string;
  topic: string;
  scope: string;
}

/**
 * The alerts over a store, with an outbox that sends notifications to a recorder and webhooks to a real receiver on
 * loopback; short grace and crash-loop window (`alerts` config overrides them).
 */
export async function alertHarness(
  store: DockerEnvStore,
  receiver: AlertReceiver,
  alerts: Record<string, unknown> = {},
) {
  const sent: SentNotification[] = [];
  const sender = new OutboxSender({
    store,
    notifications: {
      send: async n => {
        const r = n.recipients as { entityRef: string };
        sent.push({
          at: Date.now(),
          recipient: r.entityRef,
          title: n.payload.title,
          description: n.payload.description ?? '',
          topic: n.payload.topic ?? '',
          scope: n.payload.scope ?? '',
        });
      },
    },
    webhooks: new WebhookSender({
      allowPrivateNetworks: true,
      maxAttempts: 1,
      timeoutMs: 2000,
    }),
    targets: [{ url: receiver.url, secret: SECRET }],
    logger: mockServices.logger.mock(),
  });
  const notifier = new Notifier(store, sender, [
    { url: receiver.url, secret: SECRET },
  ]);
  const settings = readAlertSettings(
    new ConfigReader({
      dockerEnv: {
        alerts: {
          exitGraceSeconds: 1,
          crashLoop: { restarts: 3, windowSeconds: 2 },
          ...alerts,
        },
      },
    }),
  );
  const actions = new AlertActions({
    store,
    notifier,
    settings,
    logger: mockServices.logger.mock(),
  });
  const containers = new ContainerAlerts(actions);
  /** The webhook bodies the receiver got, with when (ms). */
  const hookHits = () =>
    receiver.hits.map(h => ({
      at: h.at,
      body: JSON.parse(h.body) as Record<string, any>,
    }));
  const hooks = () => hookHits().map(h => h.body);
  return {
    actions,
    containers,
    sent,
    hooks,
    hookHits,
    /** Waits until `count` notifications match (fails listing what was sent). */
    async waitForSent(
      what: string,
      match: (n: SentNotification) => boolean,
      count = 1,
      timeoutMs = 10_000,
    ): Promise<SentNotification[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hits = sent.filter(match);
        if (hits.length >= count) return hits;
        if (Date.now() > deadline)
          throw new Error(
            `${what}: ${
              hits.length
            } of ${count} after ${timeoutMs} ms; sent: ${sent
              .map(n => n.title)
              .join(' | ')}`,
          );
        await new Promise(r => setTimeout(r, 20));
      }
    },
    async stop() {
      containers.stop();
      await sender.drain();
      await receiver.close();
    },
  };
}
