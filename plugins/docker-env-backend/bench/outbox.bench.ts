/*
 * Benchmark of the notifications outbox (issue 22; prints figures, not a unit test). A webhook receiver on 127.0.0.1
 * answers 503 to 30 % of the requests at random; 1,000 events are written to the outbox of a backend (the docker-env
 * plugin in its own process, as a replica runs it) while it sends; the backend is killed (SIGKILL) once mid-run and
 * started again on the same database. Figures: the share of distinct delivery ids the receiver accepted (target
 * >= 99.9 %), the ids it accepted more than once (duplicates carry the same id, receivers deduplicate on it), the
 * attempts per delivery, and the wall time until the outbox is empty.
 *
 * Run: (cd plugins/docker-env-backend && yarn bench bench/outbox.bench.ts)
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  sharedDatabase,
  sharedDatabaseKinds,
  type SharedDatabase,
} from '@docker-env/lab-testing/backend/processes/databaseFixture';
import {
  startBackendProcess,
  type BackendProcess,
} from '@docker-env/lab-testing/backend/processes/spawn';
import { WEBHOOK_DELIVERY_HEADER } from '@docker-env/plugin-docker-env-node';
import { DatabaseDeliveryStore } from '../src/notifications/DeliveryStore';

jest.setTimeout(600_000);

const EVENTS = 1000;
const FAILURE_RATE = 0.3;
const SECRET = 'outbox-bench-secret-0123456789';

describe('outbox benchmark', () => {
  let receiver: Server;
  let url: string;
  let database: SharedDatabase;
  let backend: BackendProcess | undefined;
  const accepted = new Map<string, number>();
  let requests = 0;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        requests++;
        if (Math.random() < FAILURE_RATE) {
          res.statusCode = 503;
          res.end();
          return;
        }
        const id = String(req.headers[WEBHOOK_DELIVERY_HEADER.toLowerCase()]);
        accepted.set(id, (accepted.get(id) ?? 0) + 1);
        res.end();
      });
    });
    await new Promise<void>(r => receiver.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    // PostgreSQL when the test services export it (as production), else a SQLite file
    database = await sharedDatabase(sharedDatabaseKinds().pop()!);
  });
  afterAll(async () => {
    await backend?.stop();
    await database?.dispose();
    await new Promise(r => receiver.close(r));
  });

  const start = () =>
    startBackendProcess({
      backend: { database: database.backendDatabase },
      dockerEnv: {
        runner: { enabled: false },
        webhooks: { allowPrivateNetworks: true, timeoutMs: 2000 },
        notifier: {
          webhooks: [{ url, secret: SECRET }],
          outbox: {
            frequencySeconds: 1,
            initialDelayMs: 200,
            maxDelayMs: 2000,
            leaseMs: 3000,
            maxAttempts: 20,
          },
        },
      },
    });

  it('delivers every event at least once across a crash, duplicates only under the same id', async () => {
    backend = await start();
    const db = database.client();
    const outbox = new DatabaseDeliveryStore(db);
    const started = Date.now();
    let killed = false;
    for (let i = 0; i < EVENTS; i++) {
      await outbox.insert({
        environmentId: null,
        operationId: null,
        channel: 'webhook',
        event: 'environment.ready',
        recipient: url,
        payload: { title: `event ${i}`, description: '', data: { i } },
      });
      if (i % 50 === 49) await new Promise(r => setTimeout(r, 20));
      if (!killed && i === EVENTS / 2) {
        await backend.kill();
        killed = true;
        backend = await start();
      }
    }
    const pendingLeft = async () =>
      Number(
        (
          await db('deliveries').where({ status: 'pending' }).count({ n: '*' })
        )[0].n,
      );
    while ((await pendingLeft()) > 0 && Date.now() - started < 180_000)
      await new Promise(r => setTimeout(r, 250));
    const wallMs = Date.now() - started;

    const rows = await db('deliveries').select(
      'delivery_id',
      'status',
      'attempts',
    );
    const ids = new Set(rows.map(r => r.delivery_id));
    const delivered = [...ids].filter(id => accepted.has(id)).length;
    const duplicates = [...accepted.values()].filter(n => n > 1);
    const attempts = rows.map(r => Number(r.attempts));
    const report = {
      database: database.kind,
      events: EVENTS,
      distinctDelivered: delivered,
      deliveredShare: `${((delivered / EVENTS) * 100).toFixed(2)} %`,
      idsAcceptedTwiceOrMore: duplicates.length,
      extraCopies: duplicates.reduce((a, n) => a + n - 1, 0),
      unknownIds: [...accepted.keys()].filter(id => !ids.has(id)).length,
      failedRows: rows.filter(r => r.status === 'failed').length,
      receiverRequests: requests,
      meanAttempts: (
        attempts.reduce((a, n) => a + n, 0) / attempts.length
      ).toFixed(2),
      maxAttempts: Math.max(...attempts),
      wallSeconds: (wallMs / 1000).toFixed(1),
    };
    // eslint-disable-next-line no-console
    console.log(`outbox benchmark\n${JSON.stringify(report, null, 2)}`);
    expect(rows).toHaveLength(EVENTS);
    expect(delivered / EVENTS).toBeGreaterThanOrEqual(0.999);
    expect(report.unknownIds).toBe(0);
  });
});
