import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import {
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_EVENT_HEADER,
  WebhookSender,
} from '@docker-env/plugin-docker-env-node';
import { Knex } from 'knex';
import { Notifier, OutboxSender } from '../notifications';
import { operationOutcomeHooks } from '../operations/outcomes';
import { DatabaseDockerEnvStore } from '../store';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();
const SECRET = 'deploy-notices-secret-0123456789';
const TEAM = 'group:default/team-a';
const LOG_TAIL = 'GET /health 500\npanic: database unreachable';

/**
 * Story 3's notices: a deployment that succeeded, rolled back (with the reason and the last log lines) or failed
 * tells the environment's owner through a Backstage notification (mailed by the notifications email module) and each
 * webhook subscriber of the event, from the outbox the operation's end wrote them to.
 */
describe.each(databases.eachSupportedId())(
  'deployment notices on %s',
  databaseId => {
    let knex: Knex;
    let store: DatabaseDockerEnvStore;
    let hook: Server;
    let url: string;
    const posted: { event: string; id: string; body: any }[] = [];
    const notified: { to: string; payload: any }[] = [];

    beforeAll(async () => {
      hook = createServer((req, res) => {
        let raw = '';
        req.on('data', c => (raw += c));
        req.on('end', () => {
          posted.push({
            event: String(req.headers[WEBHOOK_EVENT_HEADER.toLowerCase()]),
            id: String(req.headers[WEBHOOK_DELIVERY_HEADER.toLowerCase()]),
            body: JSON.parse(raw),
          });
          res.end();
        });
      });
      await new Promise<void>(r => hook.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
      knex = await databases.init(databaseId);
      store = await DatabaseDockerEnvStore.create({
        database: { getClient: async () => knex },
      });
    });
    afterAll(() => new Promise(r => hook.close(r)));

    /** Ends a deploy of `web` with `status` as the runner does, then sends the outbox. */
    async function deployEnds(
      status: 'succeeded' | 'rolled_back' | 'failed',
      error: string | null,
      failedStep: string | null,
    ) {
      posted.length = 0;
      notified.length = 0;
      const subscribers = [
        { url, secret: SECRET, events: [`deployment.${status}`] },
        // subscribed to another event only: told nothing
        { url: `${url}/other`, secret: SECRET, events: ['environment.ready'] },
      ];
      const outbox = new OutboxSender({
        store,
        notifications: {
          send: async (n: any) => {
            notified.push({ to: n.recipients.entityRef, payload: n.payload });
          },
        },
        webhooks: new WebhookSender({
          allowPrivateNetworks: true,
          maxAttempts: 1,
          timeoutMs: 2000,
        }),
        targets: subscribers,
        logger: mockServices.logger.mock(),
      });
      const notifier = new Notifier(store, outbox, subscribers);
      const hooks = operationOutcomeHooks({
        store,
        events: { changed: async () => {} },
        notifier,
        deploymentSecrets: { forget: async () => {} },
      });
      const environment = await store.insertEnvironment({
        name: `shop-${status.replace('_', '-')}`,
        owner: TEAM,
        status: 'ready',
        size: 'S',
        cpuCores: 1,
        memoryMb: 2048,
        diskGb: 16,
        purpose: '',
        expiresOn: null,
        createdBy: 'user:default/alice',
      });
      const op = await store.insertOperation({
        environmentId: environment.id,
        kind: 'deploy',
        input: {
          deployment: { container: 'web', image: 'registry.test/shop:2.0' },
        },
        requestedBy: 'service:gitlab',
        lockKey: null,
      });
      await knex('operations')
        .where({ id: op.id })
        .update({ status, error, failed_step: failedStep });
      const record = (await store.operations().getRecord(op.id))!;
      await store.transaction(tx => hooks.onOperationEnded(record, tx));
      await hooks.afterOperationEnded(record);
      await outbox.drain();
      return { environment, op };
    }

    it('succeeded: the owner and the subscribers of deployment.succeeded', async () => {
      const { environment, op } = await deployEnds('succeeded', null, null);
      expect(notified).toEqual([
        {
          to: TEAM,
          payload: expect.objectContaining({
            topic: 'deployment.succeeded',
            title: 'web (registry.test/shop:2.0) deployed to shop-succeeded',
            severity: 'low',
          }),
        },
      ]);
      expect(posted).toHaveLength(1);
      expect(posted[0].event).toBe('deployment.succeeded');
      expect(posted[0].body.data).toMatchObject({
        operationId: op.id,
        environment: { id: environment.id, owner: TEAM },
      });
      const [webhook] = (await store.listDeliveries(environment.id)).filter(
        d => d.channel === 'webhook',
      );
      expect(webhook).toMatchObject({ status: 'delivered', recipient: url });
      expect(posted[0].id).toBe(webhook.deliveryId);
    });

    it('rolled back: the reason and the last log lines, on both channels', async () => {
      const reason = `step health: web did not become healthy in 60 s\nlast log lines of web:\n${LOG_TAIL}`;
      await deployEnds('rolled_back', reason, 'health');
      expect(notified.map(n => [n.to, n.payload.topic])).toEqual([
        [TEAM, 'deployment.rolled_back'],
      ]);
      const told = notified[0].payload;
      expect(told.severity).toBe('high');
      expect(told.title).toBe(
        'web (registry.test/shop:2.0) rolled back on shop-rolled-back',
      );
      expect(told.description).toContain(
        'the previous container keeps serving',
      );
      expect(told.description).toContain('did not become healthy in 60 s');
      expect(told.description).toContain(LOG_TAIL);
      expect(posted.map(p => p.event)).toEqual(['deployment.rolled_back']);
      expect(posted[0].body.data.description).toContain(LOG_TAIL);
    });

    it('failed: the step and the error, on both channels', async () => {
      await deployEnds(
        'failed',
        'step start: registry.test answered 401',
        'start',
      );
      expect(notified.map(n => [n.to, n.payload.topic])).toEqual([
        [TEAM, 'deployment.failed'],
      ]);
      expect(notified[0].payload.description).toBe(
        'The deployment of web (registry.test/shop:2.0) failed at step start: step start: registry.test answered 401',
      );
      expect(posted.map(p => p.event)).toEqual(['deployment.failed']);
      expect(posted[0].body.data.description).toContain('answered 401');
    });
  },
);
