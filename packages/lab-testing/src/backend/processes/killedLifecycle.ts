/* eslint-disable jest/no-export -- a test suite that test files share */
import { ConfigReader } from '@backstage/config';
import { labObserver } from '../labAgreement';
import { labDockerEnvConfig } from '../provisioningLab';
import {
  queueLifecycle,
  queueProvisioning,
  sharedDatabase,
  type SharedDatabase,
} from './databaseFixture';
import {
  freePort,
  startLabProcess,
  startRecoveringBackend,
  type BackendProcess,
  type LabProcess,
} from './spawn';
import { stepStatus, until } from './waits';

/** Lab latencies at this scale make the named steps last long enough to be caught (shutdown ~1.2 s, vzdump ~3 s). */
const LATENCY_SCALE = 0.4;

/** What each kind leaves when it is done, and when it was fully undone. */
const OUTCOMES = {
  pause: { done: 'paused', undone: 'ready' },
  resume: { done: 'ready', undone: 'paused' },
  delete: { done: 'deleted', undone: 'ready' },
} as const;

/** The operation kind, the step during which the backend is killed, and the PVE task the lab runs by then. */
const CASES: Array<[keyof typeof OUTCOMES, string, string]> = [
  ['pause', 'shutdown', 'vzshutdown'],
  ['resume', 'start', 'vzstart'],
  ['delete', 'final-backup', 'vzdump'],
  // the CT runs: the step stops it before it destroys it
  ['delete', 'lxc', 'vzstop'],
];

/**
 * For pause, resume and delete: the backend process is SIGKILLed while the named step runs, a new one starts on the
 * same database and lab; the operation ends done or fully undone (then the same request finishes it), and the
 * database, the lab, the route folder and the edge agree. Each case kills the backend that recovered the one before
 * (a backend takes ~30 s to start from source here).
 */
export function describeKilledLifecycle(kind: SharedDatabase['kind']): void {
  describe(`a backend killed for real during a lifecycle operation, on ${kind}`, () => {
    let lab: LabProcess;
    let database: SharedDatabase;
    let pausedPort: number;
    let current: BackendProcess | undefined;
    const backends: BackendProcess[] = [];
    const environments = new Map<string, string>();

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
      const b = await startRecoveringBackend(
        database.backendDatabase,
        dockerEnv(),
      );
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
    const nameOf = (k: string, step: string) => `killed-${k}-${step}`;
    /** PVE tasks of `type` the lab accepted for CT `vmid` (a refused call starts none). */
    const tasks = async (type: string, vmid: number) =>
      (await lab.lab('proxmox', 'state')).tasks.filter(
        (t: { type: string; id: string }) =>
          t.type === type && t.id === String(vmid),
      ).length as number;

    beforeAll(async () => {
      lab = await startLabProcess(LATENCY_SCALE);
      database = await sharedDatabase(kind);
      // the paused page keeps its port across restarts
      pausedPort = await freePort();
      current = await backend();
      // every case's environment, provisioned at once
      const queued = await Promise.all(
        CASES.map(([k, step]) =>
          queueProvisioning(database.client(), nameOf(k, step)),
        ),
      );
      for (const [i, q] of queued.entries()) {
        const op = await ended(q.operationId);
        if (op.status !== 'succeeded')
          throw new Error(`provisioning ${op.id}: ${op.status} ${op.error}`);
        environments.set(nameOf(CASES[i][0], CASES[i][1]), q.environmentId);
      }
      for (const [k, step] of CASES)
        if (k === 'resume')
          await run(environments.get(nameOf(k, step))!, 'pause');
    });
    afterAll(async () => {
      for (const b of backends) await b.stop().catch(() => {});
      await lab?.stop();
      await database?.dispose();
    });

    it.each(CASES)(
      'SIGKILL during %s step %s (%s task): the restarted backend ends it done or fully undone, and everything agrees',
      async (opKind, step, task) => {
        const db = database.client();
        const name = nameOf(opKind, step);
        const environmentId = environments.get(name)!;
        const { vmid } = await db('environments')
          .where({ id: environmentId })
          .first();
        const tasksBefore = await tasks(task, vmid);
        const { operationId } = await queueLifecycle(db, environmentId, opKind);
        await until(`step ${step} running`, async () =>
          (await stepStatus(db, operationId, step)) === 'running'
            ? true
            : undefined,
        );
        // only once the lab accepted the step's task: the restarted runner must find its work under way or done
        await until(`the ${task} task`, async () =>
          (await tasks(task, vmid)) > tasksBefore ? true : undefined,
        );
        await current!.kill();
        expect(await stepStatus(db, operationId, step)).toBe('running');

        current = await backend();
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
      },
    );
  });
}
