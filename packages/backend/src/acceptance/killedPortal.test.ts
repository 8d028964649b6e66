/*
 * Killed for real (issue 10): the portal (packages/backend, every plugin it ships) runs the repository's template
 * through the real scaffolder against the lab in its own process. SIGKILL of the portal's process group during a
 * named provisioning step; a new portal on the same database and lab resumes the operation (the docker-env runner)
 * and the task (scaffolder task recovery, strategy startOver): the create action re-runs, finds its checkpoint and
 * its idempotency key, and follows the same operation instead of requesting a second environment.
 */
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
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  portalConfig,
  signInAsAlice,
  startPortalProcess,
} from './__testUtils__/portalProcess';
import { eventually } from './__testUtils__/eventually';
import { startSmtpSink, type SmtpSink } from './__testUtils__/smtpSink';

jest.setTimeout(300_000);

/** Lab latencies at this scale make the named steps last long enough to be caught (clone ~1 s, pull ~0.4 s). */
const LATENCY_SCALE = 0.4;
/** The step each database kind is killed in: the first (a clone the lab accepted) and a late one. */
const KILLED_IN = { 'sqlite-file': 'lxc', postgres: 'welcome' } as const;
/** Polls fast (a step at this latency lasts a few hundred ms) and long (two portal start-ups on a busy machine). */
const until = <T>(what: string, probe: () => Promise<T | undefined>) =>
  eventually(what, probe, 90_000, 25);

describe.each(sharedDatabaseKinds())(
  'the portal killed for real, on %s',
  kind => {
    let lab: LabProcess;
    let smtp: SmtpSink;
    let database: SharedDatabase;
    let dir: string;
    const portals: BackendProcess[] = [];

    beforeAll(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'killed-portal-'));
      [lab, smtp, database] = await Promise.all([
        startLabProcess(LATENCY_SCALE),
        startSmtpSink(),
        sharedDatabase(kind),
      ]);
    });
    afterAll(async () => {
      // SIGKILL: a graceful shutdown of the whole portal takes long, and nothing of it is kept
      for (const p of portals) await p.kill().then(p.stop, () => {});
      await lab?.stop();
      await smtp?.close();
      await database?.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    });

    async function portal() {
      const p = await startPortalProcess(
        await portalConfig({
          database: database.backendDatabase,
          lab,
          dir,
          smtpPort: smtp.port,
          staleTimeoutSeconds: 3,
        }),
      );
      portals.push(p);
      return p;
    }

    async function api(
      p: BackendProcess,
      token: string,
      url: string,
      body?: unknown,
    ) {
      const res = await fetch(`${p.baseUrl}${url}`, {
        method: body ? 'POST' : 'GET',
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    }

    /** Alice's token once the catalog knows her and her group, and the template is in the catalog. */
    async function aliceWhenCatalogReady(p: BackendProcess) {
      return until(
        'alice in team-a and the template in the catalog',
        async () => {
          const alice = await signInAsAlice(p.baseUrl);
          if (!alice.ownershipEntityRefs.includes('group:default/team-a'))
            return undefined;
          const token = alice.token;
          const t = await api(
            p,
            token,
            '/api/catalog/entities/by-name/template/default/docker-environment',
          );
          return t.status === 200 ? token : undefined;
        },
      );
    }

    /** The environment's provision operation and the status of one of its steps, read from the plugin's database. */
    async function operationOf(name: string) {
      const db = database.client();
      const env = await db('environments').where({ name }).first();
      if (!env) return undefined;
      const op = await db('operations')
        .where({ environment_id: env.id, kind: 'provision' })
        .first();
      return op ? { env, op } : undefined;
    }

    async function stepStatus(operationId: string, step: string) {
      const row = await database
        .client()('operation_steps')
        .where({ operation_id: operationId, name: step })
        .first();
      return row?.status as string | undefined;
    }

    /** What the lab holds of an environment: CTs, Portainer endpoints, NetBox VMs, route files. */
    async function inLab(name: string) {
      const pve = await lab.lab('proxmox', 'state');
      const pt = await lab.lab('portainer', 'state');
      const nb = await lab.lab('netbox', 'state');
      const routes = await fs.readdir(lab.routesDir);
      return {
        cts: JSON.stringify(pve).match(new RegExp(`"hostname":"${name}"`, 'g'))
          ?.length,
        endpoints: pt.endpoints.filter((e: any) => e.Name === name).length,
        netboxVms: nb.virtualMachines.filter((v: any) => v.name === name)
          .length,
        routes: routes.filter(f => f.includes(name)),
      };
    }

    const step = KILLED_IN[kind];

    it(`SIGKILL during the ${step} step: the restarted portal resumes the operation and the scaffolder task, nothing twice`, async () => {
      const name = `task-killed-in-${step}`;
      const first = await portal();
      const token = await aliceWhenCatalogReady(first);
      const pveBefore = await lab.lab('proxmox', 'state');
      const clonesBefore = pveBefore.tasks.filter(
        (t: { type: string }) => t.type === 'vzclone',
      ).length;

      const created = await api(first, token, '/api/scaffolder/v2/tasks', {
        templateRef: 'template:default/docker-environment',
        values: {
          name,
          owner: 'group:default/team-a',
          purpose: 'killed for real',
          size: { size: 'S' },
        },
      });
      expect(created.status).toBe(201);
      const taskId = created.body.id as string;

      const { op } = await until(`the operation of ${name}`, () =>
        operationOf(name),
      );
      await until(`step ${step} running`, async () =>
        (await stepStatus(op.id, step)) === 'running' ? true : undefined,
      );
      if (step === 'lxc')
        // only once the lab accepted the clone: the restarted runner must adopt that CT
        await until('the clone task', async () => {
          const pve = await lab.lab('proxmox', 'state');
          return pve.tasks.filter((t: { type: string }) => t.type === 'vzclone')
            .length > clonesBefore
            ? true
            : undefined;
        });
      await first.kill();
      expect(await stepStatus(op.id, step)).toBe('running');
      const second = await portal();
      const task = await until('the task to end', async () => {
        const r = await api(
          second,
          token,
          `/api/scaffolder/v2/tasks/${taskId}`,
        );
        return ['completed', 'failed', 'cancelled'].includes(r.body?.status)
          ? r.body
          : undefined;
      });
      const events = (
        await api(second, token, `/api/scaffolder/v2/tasks/${taskId}/events`)
      ).body as Array<{ type: string; body: any }>;
      const log = events
        .filter(e => e.type === 'log')
        // eslint-disable-next-line no-control-regex -- the task logger colours its level
        .map(e => String(e.body.message).replace(/\u001b\[\d+m/g, ''));
      expect({ status: task.status, log }).toMatchObject({
        status: 'completed',
      });

      // the log since the recovery: the task started over, the action followed the same operation to its end
      expect(events[0]).toMatchObject({
        type: 'recovered',
        body: { recoverStrategy: 'startOver' },
      });
      const url = `http://${name}.docker.localhost:18000`;
      expect(log).toEqual(
        expect.arrayContaining([
          'Task recovered - resuming from last known good state. 1 step(s) already completed.',
          expect.stringMatching(/^info: step netbox: done in \d+\.\d s$/),
          `info: ${name} is ready at ${url}`,
        ]),
      );
      const completion = events.find(e => e.type === 'completion')!;
      expect(completion.body.output.links[0]).toMatchObject({ url });

      // one environment, ready, from one request: one operation, run to its end over two claims
      const env = await api(
        second,
        token,
        `/api/docker-env/environments/${name}`,
      );
      expect(env.body).toMatchObject({ status: 'ready', url });
      const db = database.client();
      const envRows = await db('environments').where({ name });
      expect(envRows).toHaveLength(1);
      const ops = await db('operations').where({
        environment_id: envRows[0].id,
      });
      expect(ops.map(o => [o.kind, o.status, Number(o.attempts)])).toEqual([
        ['provision', 'succeeded', 2],
      ]);
      const steps = await db('operation_steps').where({ operation_id: op.id });
      expect(steps.map(s => s.status)).toEqual(steps.map(() => 'succeeded'));

      // the lab: exactly one of each, the clone requested once
      expect(await inLab(name)).toEqual({
        cts: 1,
        endpoints: 1,
        netboxVms: 1,
        routes: [`dockerenv_${name}.yml`],
      });
      const pve = await lab.lab('proxmox', 'state');
      expect(
        pve.tasks.filter((t: { type: string }) => t.type === 'vzclone').length -
          clonesBefore,
      ).toBe(1);
    });
  },
);
