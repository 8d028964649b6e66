import { ConfigReader } from '@backstage/config';
import { labObserver } from '../testing/labAgreement';
import { labDockerEnvConfig } from '../testing/provisioningLab';
import {
  queueLifecycle,
  queueProvisioning,
  sharedDatabase,
  sharedDatabaseKinds,
  type SharedDatabase,
} from '../testing/processes/databaseFixture';
import {
  freePort,
  startBackendProcess,
  startLabProcess,
  type BackendProcess,
  type LabProcess,
} from '../testing/processes/spawn';
import { stepStatus, until } from '../testing/processes/waits';

jest.setTimeout(300_000);

/** Lab latencies at this scale make the named steps last long enough to be caught (shutdown ~1.2 s, vzdump ~3 s). */
const LATENCY_SCALE = 0.4;

/** What each kind leaves when it is done, and when it was fully undone. */
const OUTCOMES = {
  pause: { done: 'paused', undone: 'ready' },
  resume: { done: 'ready', undone: 'paused' },
  delete: { done: 'deleted', undone: 'ready' },
} as const;

const CASES: Array<[keyof typeof OUTCOMES, string]> = [
  ['pause', 'shutdown'],
  ['resume', 'start'],
  ['delete', 'final-backup'],
  ['delete', 'lxc'],
];

describe.each(sharedDatabaseKinds())(
  'a backend killed for real during a lifecycle operation, on %s',
  kind => {
    let lab: LabProcess;
    let database: SharedDatabase;
    let pausedPort: number;
    const backends: BackendProcess[] = [];

    beforeAll(async () => {
      lab = await startLabProcess(LATENCY_SCALE);
      database = await sharedDatabase(kind);
      // the paused page keeps its port across the restart
      pausedPort = await freePort();
    });
    afterAll(async () => {
      for (const b of backends) await b.stop().catch(() => {});
      await lab?.stop();
      await database?.dispose();
    });

    const dockerEnv = () => ({
      ...labDockerEnvConfig(lab, lab.routesDir, { pollIntervalMs: 50 }),
      lifecycle: {
        backupStorage: 'backup',
        pausedRoute: { url: `http://127.0.0.1:${pausedPort}` },
        pausedPage: { port: pausedPort },
        pollIntervalMs: 50,
      },
    });
    const backend = async () => {
      const b = await startBackendProcess({
        backend: { database: database.backendDatabase },
        dockerEnv: {
          ...dockerEnv(),
          runner: {
            pollIntervalMs: 100,
            leaseSeconds: 2,
            recoveryFrequencySeconds: 1,
          },
        },
      });
      backends.push(b);
      return b;
    };
    const observer = () =>
      labObserver(
        {
          clients: new ConfigReader({ dockerEnv: dockerEnv() }),
          pausedRoute: { url: `http://127.0.0.1:${pausedPort}` },
          edgeUrl: lab.edgeUrl,
          baseDomain: 'docker.localhost',
        },
        database.client(),
      );
    /** Waits until the operation ends; answers its row. */
    const ended = (operationId: string) =>
      until(`operation ${operationId} to end`, async () => {
        const op = await database
          .client()('operations')
          .where({ id: operationId })
          .first();
        return ['queued', 'running'].includes(op.status) ? undefined : op;
      });
    const run = async (environmentId: string, k: keyof typeof OUTCOMES) => {
      const op = await ended(
        (
          await queueLifecycle(database.client(), environmentId, k)
        ).operationId,
      );
      expect(op.status).toBe('succeeded');
    };

    it.each(CASES)(
      'SIGKILL during %s step %s: a restarted backend on the same database and lab ends it done or fully undone, and everything agrees',
      async (opKind, step) => {
        const db = database.client();
        const first = await backend();
        const name = `killed-${opKind}-${step}`;
        const { environmentId, operationId: provisioned } =
          await queueProvisioning(db, name);
        expect((await ended(provisioned)).status).toBe('succeeded');
        if (opKind === 'resume') await run(environmentId, 'pause');

        const { operationId } = await queueLifecycle(db, environmentId, opKind);
        await until(`step ${step} running`, async () =>
          (await stepStatus(db, operationId, step)) === 'running'
            ? true
            : undefined,
        );
        await first.kill();
        expect(await stepStatus(db, operationId, step)).toBe('running');

        const second = await backend();
        const op = await ended(operationId);
        expect(Number(op.attempts)).toBeGreaterThanOrEqual(2);
        const env = await db('environments')
          .where({ id: environmentId })
          .first();
        const outcome = OUTCOMES[opKind];
        expect(op.status === 'succeeded' ? outcome.done : outcome.undone).toBe(
          env.status,
        );
        // the database, the lab, the route folder and the edge agree (a delete made one final backup)
        await observer().expectAgreement(name);
        // undone: the same request finishes it now
        if (op.status !== 'succeeded') {
          await run(environmentId, opKind);
          await observer().expectAgreement(name);
        }
        await second.stop();
      },
    );
  },
);
