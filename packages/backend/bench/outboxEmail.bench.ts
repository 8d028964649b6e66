/*
 * Benchmark of the outbox's email path (issue 22; prints figures, not a unit test). The whole portal
 * (packages/backend: the docker-env plugin, Backstage's notifications and its email module) runs in its own process
 * against the lab with a real SMTP server on 127.0.0.1. `EVENTS` in-portal deliveries to alice (who has a mail
 * address) are written to the outbox; the portal is killed (SIGKILL of its process group) once mid-run and started
 * again on the same database. Figures: the mails the sink received per delivery (by subject): delivered once, more
 * than once (duplicates: the outbox guarantees the notifications `send` call at least once, and a kill between that
 * call and the outbox's "delivered" mark repeats it), and never (the email module sends after `send` returned and
 * does not retry: a kill in between loses that mail, the in-portal notification is kept).
 *
 * Run: (cd packages/backend && yarn backstage-cli package test --ci --roots '<rootDir>/../bench' --testMatch '**\/outboxEmail.bench.ts')
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  sharedDatabase,
  sharedDatabaseKinds,
  type SharedDatabase,
} from '@docker-env/lab-testing/backend/processes/databaseFixture';
import {
  startLabProcess,
  type BackendProcess,
  type LabProcess,
} from '@docker-env/lab-testing/backend/processes/spawn';
import { eventually } from '../src/acceptance/__testUtils__/eventually';
import {
  portalConfig,
  signInAsAlice,
  startPortalProcess,
} from '../src/acceptance/__testUtils__/portalProcess';
import {
  startSmtpSink,
  type SmtpSink,
} from '../src/acceptance/__testUtils__/smtpSink';

jest.setTimeout(900_000);

const EVENTS = Number(process.env.OUTBOX_EMAIL_EVENTS ?? 300);
const PREFIX = `outbox-email-${Date.now()}`;

describe('outbox email benchmark', () => {
  let lab: LabProcess;
  let smtp: SmtpSink;
  let database: SharedDatabase;
  let dir: string;
  let portal: BackendProcess | undefined;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'outbox-email-'));
    [lab, smtp, database] = await Promise.all([
      startLabProcess(0),
      startSmtpSink(),
      sharedDatabase(sharedDatabaseKinds().pop()!),
    ]);
  });
  afterAll(async () => {
    await portal?.kill().then(portal.stop, () => {});
    await lab?.stop();
    await smtp?.close();
    await database?.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const start = async () => {
    const config = await portalConfig({
      database: database.backendDatabase,
      lab,
      dir,
      smtpPort: smtp.port,
      staleTimeoutSeconds: 3,
    });
    const dockerEnv = config.dockerEnv as Record<string, any>;
    dockerEnv.notifier = {
      ...dockerEnv.notifier,
      outbox: {
        frequencySeconds: 1,
        initialDelayMs: 200,
        maxDelayMs: 2000,
        leaseMs: 3000,
      },
    };
    const p = await startPortalProcess(config);
    // a notification to an entity the catalog does not know yet reaches nobody: wait for alice and her group
    await eventually(
      'alice in team-a in the catalog',
      async () =>
        (
          await signInAsAlice(p.baseUrl)
        ).ownershipEntityRefs.includes('group:default/team-a') || undefined,
      120_000,
      250,
    );
    return p;
  };

  /** A row as the plugin's DeliveryStore writes it (the bench writes from outside the portal's process). */
  const delivery = (i: number) => ({
    delivery_id: randomUUID(),
    environment_id: null,
    operation_id: null,
    channel: 'notification',
    event: 'environment.ready',
    recipient: 'user:default/alice',
    payload: JSON.stringify({
      title: `${PREFIX} ${i}`,
      description: `event ${i}`,
    }),
    status: 'pending',
    attempts: 0,
    error: null,
    created_at: new Date(),
    next_attempt_at: new Date(),
    claimed_until: null,
    ended_at: null,
  });

  it('sends each email at least once across a crash, and counts what repeats or is lost', async () => {
    portal = await start();
    const db = database.client();
    const started = Date.now();
    for (let i = 0; i < EVENTS; i++) {
      await db('deliveries').insert(delivery(i));
      if (i % 25 === 24) await new Promise(r => setTimeout(r, 50));
      if (i === Math.floor(EVENTS / 2)) {
        await portal.kill();
        portal = await start();
      }
    }
    const pending = async () =>
      Number(
        (
          await db('deliveries').where({ status: 'pending' }).count({ n: '*' })
        )[0].n,
      );
    while ((await pending()) > 0 && Date.now() - started < 600_000)
      await new Promise(r => setTimeout(r, 250));
    // the email module sends after `send` returned: give its last mails time to reach the sink
    await new Promise(r => setTimeout(r, 5000));
    const wallMs = Date.now() - started;

    const perSubject = new Map<string, number>();
    for (const m of smtp.received) {
      const subject = m.mail.subject ?? '';
      if (subject.startsWith(PREFIX))
        perSubject.set(subject, (perSubject.get(subject) ?? 0) + 1);
    }
    const rows = await db('deliveries').select('status');
    const counts = [...Array(EVENTS).keys()].map(
      i => perSubject.get(`${PREFIX} ${i}`) ?? 0,
    );
    const report = {
      database: database.kind,
      events: EVENTS,
      outboxDelivered: rows.filter(r => r.status === 'delivered').length,
      outboxFailed: rows.filter(r => r.status === 'failed').length,
      mailsReceived: counts.reduce((a, n) => a + n, 0),
      deliveriesMailedOnce: counts.filter(n => n === 1).length,
      deliveriesMailedTwiceOrMore: counts.filter(n => n > 1).length,
      extraMails: counts.reduce((a, n) => a + Math.max(0, n - 1), 0),
      deliveriesNeverMailed: counts.filter(n => n === 0).length,
      wallSeconds: (wallMs / 1000).toFixed(1),
    };
    // eslint-disable-next-line no-console
    console.log(`outbox email benchmark\n${JSON.stringify(report, null, 2)}`);
    expect(report.outboxDelivered).toBe(EVENTS);
  });
});
