import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { startLab, type FaultAction, type Lab } from '@docker-env/lab';
import {
  buildProvisionSteps,
  PROVISION_STEP_NAMES,
  ProvisioningDeps,
  readProvisioningConfig,
  type ProvisionStepName,
} from '@docker-env/plugin-docker-env-workflows-node';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import {
  labDockerEnvConfig,
  labHoldings,
} from '@docker-env/lab-testing/backend/provisioningLab';
import { TEAM_A_CATALOG } from '@docker-env/lab-testing/backend/catalog';

jest.setTimeout(240_000);

const API = '/api/docker-env';
const STEP_TIMEOUT_MS = 1500;
const databases = createStoreTestDatabases();
const alice = mockCredentials.user.header('user:default/alice');

/** Where each step is hit: a lab operation it calls, or the route folder (`fs` open of the temp file). */
const FAULT_POINTS: Record<ProvisionStepName, [string, string]> = {
  lxc: ['proxmox', 'proxmox.lxc.clone'],
  start: ['proxmox', 'proxmox.lxc.start'],
  ip: ['proxmox', 'proxmox.lxc.interfaces'],
  agent: ['guest', 'agent.ping'],
  portainer: ['portainer', 'portainer.endpoint.update'],
  registries: ['portainer', 'portainer.endpoint.registryAccess'],
  welcome: ['guest', 'docker.container.create'],
  route: ['routeFolder', 'open'],
  netbox: ['netbox', 'netbox.ipAddress.create'],
};

describe.each(databases.eachSupportedId())(
  'provisioning through the backend runner on %s',
  databaseId => {
    let lab: Lab;
    let routesDir: string;
    let knex: Knex;
    let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
    let stopBackend: () => Promise<void>;
    let dockerEnv: ReturnType<typeof labDockerEnvConfig>;

    beforeAll(async () => {
      lab = await startLab({ latencyScale: 0 });
      routesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'runner-routes-'));
      knex = await databases.init(databaseId);
      await startBackend(STEP_TIMEOUT_MS);
    });

    /** (Re)starts the backend, its runner with every provisioning step's timeout at `stepTimeoutMs`. */
    async function startBackend(stepTimeoutMs: number) {
      await stopBackend?.();
      dockerEnv = labDockerEnvConfig(lab, routesDir, {
        stepTimeoutMs,
        pollIntervalMs: 10,
      });
      const backend = await startDockerEnvTestBackend({
        knex,
        config: {
          dockerEnv: {
            ...dockerEnv,
            runner: {
              enabled: true,
              pollIntervalMs: 20,
              concurrency: 20,
              leaseSeconds: 10,
            },
          },
        },
        catalog: TEAM_A_CATALOG,
      });
      server = backend.server;
      stopBackend = () => backend.stop();
    }

    afterAll(async () => {
      await stopBackend?.();
      await lab?.stop();
      await fs.rm(routesDir, { recursive: true, force: true });
    });

    afterEach(() => {
      jest.restoreAllMocks();
      for (const c of [
        lab.proxmox.control,
        lab.netbox.control,
        lab.portainer.control,
        lab.guests.control,
      ])
        c.reset();
    });

    async function create(name: string, owner = 'group:default/team-a') {
      const res = await request(server)
        .post(`${API}/environments`)
        .set('Authorization', alice)
        .send({ name, owner, size: 'S', purpose: 'runner test' });
      expect(res.status).toBe(202);
      return res.body.environment.id as string;
    }

    /** Waits until the environment leaves `provisioning`; returns its record and its provision operation. */
    async function settled(id: string) {
      for (let i = 0; i < 3000; i++) {
        const env = await knex('environments').where({ id }).first();
        if (env.status !== 'provisioning') {
          const op = await knex('operations')
            .where({ environment_id: id, kind: 'provision' })
            .orderBy('created_at', 'desc')
            .first();
          return { env, op };
        }
        await new Promise(r => setTimeout(r, 20));
      }
      throw new Error(`environment ${id} still provisioning`);
    }

    const stepsOf = () => {
      const config = new ConfigReader({ dockerEnv });
      return buildProvisionSteps(
        ProvisioningDeps.fromConfig(config, {
          teams: async () => ({ members: [] }),
        }),
        readProvisioningConfig(config),
      );
    };

    /** Removes what a ready environment holds in the lab (the step library's undo, last step first). */
    async function removeFromLab(id: string) {
      const { env, op } = await settled(id);
      const steps = stepsOf();
      const target = {
        environmentId: env.id,
        name: env.name,
        owner: env.owner,
        cpuCores: env.cpu_cores,
        memoryMb: env.memory_mb,
        diskGb: env.disk_gb,
      };
      const facts = JSON.parse(op.result);
      for (const step of [...steps].reverse())
        await step.undo?.({
          target,
          facts,
          signal: AbortSignal.timeout(10_000),
          logger: { info() {}, warn() {} } as never,
        });
    }

    async function expectLabEmpty() {
      expect(await labHoldings(lab, routesDir)).toEqual({
        cts: [],
        guests: [],
        endpoints: [],
        teams: [],
        memberships: [],
        environmentTags: [],
        netboxVms: [],
        netboxInterfaces: [],
        netboxIps: [],
        routeFiles: [],
      });
    }

    function injectFault(step: ProvisionStepName, name: string, kind: string) {
      const [system, operation] = FAULT_POINTS[step];
      const action: FaultAction =
        kind === 'fail'
          ? { kind: 'fail', status: 500, reason: 'injected by the test' }
          : { kind: 'hang' };
      if (system !== 'routeFolder') {
        const controls = {
          proxmox: lab.proxmox.control,
          netbox: lab.netbox.control,
          portainer: lab.portainer.control,
          guest: lab.guests.control,
        } as const;
        controls[system as keyof typeof controls].injectFault({
          operation,
          action,
        });
        return;
      }
      // the route folder has no lab control: the route file's temp file cannot be opened
      const open = fsSync.promises.open;
      jest
        .spyOn(fsSync.promises, 'open')
        .mockImplementation((file, ...rest) => {
          if (String(file).includes(`.dockerenv_${name}.yml.tmp-`)) {
            if (kind === 'hang') return new Promise(() => {});
            return Promise.reject(
              Object.assign(new Error('injected'), { code: 'EIO' }),
            );
          }
          return open(file, ...rest);
        });
    }

    it('enumerates every provisioning step in the fault table', () => {
      expect(Object.keys(FAULT_POINTS)).toEqual([...PROVISION_STEP_NAMES]);
    });

    const cases = PROVISION_STEP_NAMES.flatMap(step =>
      (['fail', 'hang'] as const).map(kind => [step, kind] as const),
    );

    it.each(cases)(
      'a %s step that %ss: everything is undone, the environment failed with the step, and a retry is ready',
      async (step, kind) => {
        const name = `fault-${step}-${kind}`;
        injectFault(step, name, kind);
        const first = await settled(await create(name));
        expect(first.env.status).toBe('failed');
        expect(first.op).toMatchObject({
          status: 'rolled_back',
          failed_step: step,
        });
        expect(/timed out/.test(first.op.error)).toBe(kind === 'hang');
        expect(first.env.status_reason).toContain(`step ${step}`);
        const steps = await knex('operation_steps')
          .where({ operation_id: first.op.id })
          .orderBy('position');
        // steps with nothing to undo (start, ip, agent) stay succeeded; the failed step is undone too
        const at = PROVISION_STEP_NAMES.indexOf(step);
        expect(steps.map(s => s.status)).toEqual(
          stepsOf().map((s, i) => {
            if (i > at) return 'skipped';
            if (s.undo) return 'undone';
            return i === at ? 'failed' : 'succeeded';
          }),
        );
        await expectLabEmpty();
        expect(
          await knex('operations').whereIn('status', ['queued', 'running']),
        ).toEqual([]);

        jest.restoreAllMocks();
        for (const c of [
          lab.proxmox.control,
          lab.netbox.control,
          lab.portainer.control,
          lab.guests.control,
        ])
          c.reset();
        const retryId = await create(name);
        const retry = await settled(retryId);
        expect(retry.env.status).toBe('ready');
        expect(retry.env.url).toBe(`http://${name}.docker.localhost:18000`);
        await removeFromLab(retryId);
        await expectLabEmpty();
      },
    );

    it('provisions 20 requests with distinct names at once, each ready with its own CT, endpoint and route', async () => {
      // 20 clones of one template take its lock in turn: real step timeouts, not the fault tests' short ones
      await startBackend(60_000);
      const names = Array.from({ length: 20 }, (_, i) => `many-${i + 1}`);
      const ids = await Promise.all(
        names.map((n, i) =>
          create(n, i % 2 ? 'user:default/alice' : 'group:default/team-a'),
        ),
      );
      const results = await Promise.all(ids.map(settled));
      expect(
        results.map(
          r => `${r.env.name} ${r.env.status} ${r.env.status_reason ?? ''}`,
        ),
      ).toEqual(names.map(n => `${n} ready `));
      const held = await labHoldings(lab, routesDir);
      expect(new Set(results.map(r => r.env.vmid)).size).toBe(20);
      expect(held.cts).toHaveLength(20);
      expect(held.endpoints.sort()).toEqual([...names].sort());
      expect(held.netboxVms.sort()).toEqual([...names].sort());
      expect(held.routeFiles.sort()).toEqual(
        names.map(n => `dockerenv_${n}.yml`).sort(),
      );
      expect(held.teams.sort()).toEqual([
        'docker-env-group:default/team-a',
        'docker-env-user:default/alice',
      ]);
      // the group's team holds its members from the catalog that Portainer knows (zoe never logged in)
      const pt = lab.portainer.state;
      const teamA = pt.teams.find(
        t => t.Name === 'docker-env-group:default/team-a',
      )!;
      expect(
        pt.memberships
          .filter(m => m.TeamID === teamA.Id)
          .map(m => pt.users.find(u => u.Id === m.UserID)!.Username)
          .sort(),
      ).toEqual(['alice', 'carol']);
      for (const id of ids) await removeFromLab(id);
      await expectLabEmpty();
    });
  },
);
