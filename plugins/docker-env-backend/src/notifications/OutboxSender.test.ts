import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import {
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WebhookSender,
  verifyWebhookSignature,
} from '@docker-env/plugin-docker-env-node';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import { DatabaseDockerEnvStore } from '../store';
import { Notifier } from './Notifier';
import { OutboxSender } from './OutboxSender';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();
const SECRET = 'outbox-test-secret-0123456789';

/** A webhook receiver on 127.0.0.1 answering with the next status of `answers` (the last one repeats). */
async function receiver(answers: number[]) {
  const seen: { id: string; signed: boolean; body: any }[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', c => (raw += c));
    req.on('end', () => {
      seen.push({
        id: String(req.headers[WEBHOOK_DELIVERY_HEADER.toLowerCase()]),
        signed: verifyWebhookSignature(
          SECRET,
          req.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string,
          raw,
        ).valid,
        body: JSON.parse(raw),
      });
      res.statusCode = answers[Math.min(seen.length - 1, answers.length - 1)];
      res.end();
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, seen, close: () => new Promise(r => server.close(r)) };
}

describe.each(databases.eachSupportedId())('the outbox on %s', databaseId => {
  let store: DatabaseDockerEnvStore;
  let knex: Knex;
  let clock: Date;
  const sent: string[] = [];
  let notificationsFail = false;
  const notifications = {
    send: async (n: any) => {
      if (notificationsFail) throw new Error('notifications backend down');
      sent.push(`${n.recipients.entityRef} ${n.payload.topic}`);
    },
  };

  const setup = (url: string, policy = {}) => {
    const sender = new OutboxSender({
      store,
      notifications,
      webhooks: new WebhookSender({
        allowPrivateNetworks: true,
        maxAttempts: 1,
        timeoutMs: 2000,
      }),
      targets: [{ url, secret: SECRET }],
      logger: mockServices.logger.mock(),
      policy: { initialDelayMs: 1000, maxAttempts: 3, ...policy },
      now: () => clock,
      random: () => 1,
    });
    const notifier = new Notifier(store, sender, [{ url, secret: SECRET }]);
    return { sender, notifier };
  };
  const later = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };
  const environment = () =>
    store.insertEnvironment({
      name: `outbox-${Math.random().toString(36).slice(2, 8)}`,
      owner: 'user:default/alice',
      status: 'ready',
      size: 'S',
      cpuCores: 1,
      memoryMb: 2048,
      diskGb: 16,
      purpose: '',
      expiresOn: null,
      createdBy: 'user:default/alice',
    });
  const notice = (env: any) => ({
    event: 'environment.ready',
    environment: env,
    title: `${env.name} is ready`,
    description: 'ready',
    alsoTo: ['group:default/platform-team'],
  });

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    store = await DatabaseDockerEnvStore.create({
      database: { getClient: async () => knex },
    });
  });
  beforeEach(async () => {
    await knex('deliveries').delete();
    // the sender's clock starts a second after the rows the test stages (they are due at their real insert time)
    clock = new Date(Date.now() + 1000);
    sent.length = 0;
    notificationsFail = false;
  });

  it('writes deliveries only when the causing transaction commits', async () => {
    const hook = await receiver([200]);
    const { notifier } = setup(hook.url);
    const env = await environment();
    await expect(
      store.transaction(async tx => {
        await notifier.stage(notice(env), tx);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await store.listDeliveries(env.id)).toEqual([]);

    await store.transaction(tx => notifier.stage(notice(env), tx));
    const staged = await store.listDeliveries(env.id);
    expect(staged.map(d => `${d.channel} ${d.recipient} ${d.status}`)).toEqual([
      'notification user:default/alice pending',
      'notification group:default/platform-team pending',
      `webhook ${hook.url} pending`,
    ]);
    expect(new Set(staged.map(d => d.deliveryId)).size).toBe(3);
    await hook.close();
  });

  it('retries a failing webhook with backoff under the same delivery id, signed, until delivered', async () => {
    const hook = await receiver([503, 503, 200]);
    const { sender, notifier } = setup(hook.url);
    const env = await environment();
    await notifier.stage(notice(env), store);

    expect(await sender.drain()).toEqual({
      delivered: 2,
      retried: 1,
      failed: 0,
    });
    const [webhook] = (await store.listDeliveries(env.id)).filter(
      d => d.channel === 'webhook',
    );
    expect(webhook).toMatchObject({ status: 'pending', attempts: 1 });
    expect(webhook.nextAttemptAt!.getTime() - clock.getTime()).toBe(1000);

    // not due yet: nothing is sent
    expect(await sender.drain()).toEqual({
      delivered: 0,
      retried: 0,
      failed: 0,
    });
    later(1000);
    expect((await sender.drain()).retried).toBe(1);
    later(2000);
    expect((await sender.drain()).delivered).toBe(1);

    expect(hook.seen.map(s => s.id)).toEqual([
      webhook.deliveryId,
      webhook.deliveryId,
      webhook.deliveryId,
    ]);
    expect(hook.seen.every(s => s.signed)).toBe(true);
    expect(hook.seen[0].body.data.environment.name).toBe(env.name);
    expect(
      (await store.listDeliveries(env.id)).find(d => d.channel === 'webhook'),
    ).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(sent.sort()).toEqual([
      'group:default/platform-team environment.ready',
      'user:default/alice environment.ready',
    ]);
    await hook.close();
  });

  it('gives up after maxAttempts, and at once on a 4xx answer', async () => {
    const hook = await receiver([410]);
    const { sender, notifier } = setup(hook.url);
    const env = await environment();
    notificationsFail = true;
    await notifier.stage(notice(env), store);
    expect(await sender.drain()).toEqual({
      delivered: 0,
      retried: 2,
      failed: 1,
    });
    for (const wait of [1000, 2000]) {
      later(wait);
      await sender.drain();
    }
    const byChannel = (await store.listDeliveries(env.id)).map(
      d => `${d.channel} ${d.status} ${d.attempts}`,
    );
    expect(byChannel).toEqual([
      'notification failed 3',
      'notification failed 3',
      'webhook failed 1',
    ]);
    expect(hook.seen).toHaveLength(1);
    await hook.close();
  });

  it('takes over what a crashed sender claimed once its lease ran out, and never while it holds', async () => {
    const hook = await receiver([200]);
    const { sender, notifier } = setup(hook.url, { leaseMs: 30_000 });
    const env = await environment();
    await notifier.stage(notice(env), store);
    // a sender claims and dies before sending
    const lost = await store
      .deliveries()
      .claimDue({ now: clock, leaseMs: 30_000, limit: 10 });
    expect(lost.map(d => d.environmentId)).toContain(env.id);

    expect((await sender.drain()).delivered).toBe(0);
    later(30_000);
    expect((await sender.drain()).delivered).toBe(lost.length);
    expect(hook.seen.map(s => s.id)).toEqual(
      lost.filter(d => d.channel === 'webhook').map(d => d.deliveryId),
    );
    await hook.close();
  });
});
