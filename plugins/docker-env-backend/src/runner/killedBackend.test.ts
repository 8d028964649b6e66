import { labDockerEnvConfig } from '@docker-env/lab-testing/backend/provisioningLab';
import {
  queueProvisioning,
  sharedDatabase,
  sharedDatabaseKinds,
  type SharedDatabase,
} from '@docker-env/lab-testing/backend/processes/databaseFixture';
import {
  startLabProcess,
  startRecoveringBackend,
  type BackendProcess,
  type LabProcess,
} from '@docker-env/lab-testing/backend/processes/spawn';
import {
  stepStatus,
  until,
} from '@docker-env/lab-testing/backend/processes/waits';

jest.setTimeout(300_000);

/** Lab latencies at this scale make the named steps last long enough to be caught (clone ~1 s, pull ~0.4 s). */
const LATENCY_SCALE = 0.4;

describe.each(sharedDatabaseKinds())(
  'a backend killed for real, on %s',
  kind => {
    let lab: LabProcess;
    let database: SharedDatabase;
    const backends: BackendProcess[] = [];

    beforeAll(async () => {
      lab = await startLabProcess(LATENCY_SCALE);
      database = await sharedDatabase(kind);
    });
    afterAll(async () => {
      for (const b of backends) await b.stop().catch(() => {});
      await lab?.stop();
      await database?.dispose();
    });

    const backend = async () => {
      const b = await startRecoveringBackend(
        database.backendDatabase,
        labDockerEnvConfig(lab, lab.routesDir, { pollIntervalMs: 50 }),
      );
      backends.push(b);
      return b;
    };

    /** Clone tasks the lab's Proxmox accepted (a call refused while the template is locked starts none). */
    async function cloneTasks(): Promise<number> {
      const pve = await lab.lab('proxmox', 'state');
      return pve.tasks.filter((t: { type: string }) => t.type === 'vzclone')
        .length;
    }

    /** What the lab holds of an environment, read from the lab process over HTTP. */
    async function inLab(name: string) {
      const pve = await lab.lab('proxmox', 'state');
      const pt = await lab.lab('portainer', 'state');
      const nb = await lab.lab('netbox', 'state');
      const cts = JSON.stringify(pve).match(
        new RegExp(`"hostname":"${name}"`, 'g'),
      );
      return {
        cts: cts?.length ?? 0,
        endpoints: pt.endpoints.filter((e: any) => e.Name === name).length,
        netboxVms: nb.virtualMachines.filter((v: any) => v.name === name)
          .length,
      };
    }

    it.each(['lxc', 'welcome'])(
      'SIGKILL during the %s step: a restarted backend on the same database and lab ends the operation ready, once',
      async step => {
        const first = await backend();
        const db = database.client();
        const name = `killed-in-${step}`;
        const clonesBefore = await cloneTasks();
        const { environmentId, operationId } = await queueProvisioning(
          db,
          name,
        );
        await until(`step ${step} running`, async () =>
          (await stepStatus(db, operationId, step)) === 'running'
            ? true
            : undefined,
        );
        // in lxc, only once the lab accepted the clone: the restarted runner must adopt that CT
        if (step === 'lxc')
          await until('the clone task', async () =>
            (await cloneTasks()) > clonesBefore ? true : undefined,
          );
        await first.kill();
        expect(await stepStatus(db, operationId, step)).toBe('running');

        const second = await backend();
        const env = await until('the operation to end', async () => {
          const row = await db('environments')
            .where({ id: environmentId })
            .first();
          return row.status === 'provisioning' ? undefined : row;
        });
        const op = await db('operations').where({ id: operationId }).first();
        expect({ env: env.status, op: op.status }).toEqual({
          env: 'ready',
          op: 'succeeded',
        });
        expect(Number(op.attempts)).toBe(2);
        expect(
          (await db('operation_steps').where({ operation_id: operationId }))
            .map(s => s.status)
            .every((s: string) => s === 'succeeded'),
        ).toBe(true);
        expect(await inLab(name)).toEqual({
          cts: 1,
          endpoints: 1,
          netboxVms: 1,
        });
        const clones = (await cloneTasks()) - clonesBefore;
        expect(clones).toBe(1);
        await second.stop();
      },
    );

    if (kind === 'postgres') {
      it('two replicas on one PostgreSQL run each operation once', async () => {
        const [a, b] = await Promise.all([backend(), backend()]);
        const db = database.client();
        const clonesBefore = await cloneTasks();
        const queued: Array<{ operationId: string }> = [];
        for (let i = 1; i <= 6; i++)
          queued.push(await queueProvisioning(db, `replica-${i}`));
        const ops = await until('all six to end', async () => {
          const rows = await db('operations').whereIn(
            'id',
            queued.map(q => q.operationId),
          );
          return rows.every(r =>
            ['succeeded', 'failed', 'rolled_back'].includes(r.status),
          )
            ? rows
            : undefined;
        });
        expect(ops.map(o => o.status)).toEqual(ops.map(() => 'succeeded'));
        expect(ops.map(o => Number(o.attempts))).toEqual(ops.map(() => 1));
        const clones = (await cloneTasks()) - clonesBefore;
        expect(clones).toBe(6);
        for (let i = 1; i <= 6; i++)
          expect(await inLab(`replica-${i}`)).toEqual({
            cts: 1,
            endpoints: 1,
            netboxVms: 1,
          });
        await Promise.all([a.stop(), b.stop()]);
      });
    }
  },
);
