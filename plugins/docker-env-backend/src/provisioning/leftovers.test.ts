import { mockCredentials } from '@backstage/backend-test-utils';
import { startLab, type Lab } from '@docker-env/lab';
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
const databases = createStoreTestDatabases();
const alice = mockCredentials.user.header('user:default/alice');

/**
 * Issue 20, item 4: a provisioning whose undo fails leaves the environment `cleanup_required` (not `failed`): it lists
 * what remains, holds its name and its quota, and the ordinary DELETE removes exactly that, after which the name
 * provisions again.
 */
describe.each(databases.eachSupportedId())(
  'leftovers of a provisioning on %s',
  databaseId => {
    let lab: Lab;
    let routesDir: string;
    let knex: Knex;
    let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
    let stopBackend: () => Promise<void>;

    beforeAll(async () => {
      lab = await startLab({ latencyScale: 0 });
      routesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'leftover-routes-'));
      knex = await databases.init(databaseId);
      const backend = await startDockerEnvTestBackend({
        knex,
        config: {
          dockerEnv: {
            ...labDockerEnvConfig(lab, routesDir, {
              stepTimeoutMs: 5000,
              pollIntervalMs: 10,
            }),
            runner: { enabled: true, pollIntervalMs: 20, leaseSeconds: 10 },
          },
        },
        catalog: TEAM_A_CATALOG,
      });
      server = backend.server;
      stopBackend = () => backend.stop();
    });

    afterAll(async () => {
      await stopBackend?.();
      await lab?.stop();
      await fs.rm(routesDir, { recursive: true, force: true });
    });

    const create = (name: string) =>
      request(server)
        .post(`${API}/environments`)
        .set('Authorization', alice)
        .send({ name, owner: 'group:default/team-a', size: 'S' });

    async function settledIn(id: string, moving: string) {
      for (let i = 0; i < 3000; i++) {
        const env = await knex('environments').where({ id }).first();
        if (env.status !== moving) return env;
        await new Promise(r => setTimeout(r, 20));
      }
      throw new Error(`environment ${id} still ${moving}`);
    }

    it('undo fails: cleanup_required listing the CT, the name and quota held; DELETE removes it; the name provisions again', async () => {
      const name = 'leftover';
      // netbox fails, then the lxc undo cannot destroy the CT
      lab.netbox.control.injectFault({
        operation: 'netbox.ipAddress.create',
        action: { kind: 'fail', status: 500, reason: 'injected by the test' },
      });
      lab.proxmox.control.injectFault({
        operation: 'proxmox.lxc.destroy',
        action: { kind: 'fail', status: 500, reason: 'injected by the test' },
      });
      const res = await create(name);
      expect(res.status).toBe(202);
      const env = await settledIn(res.body.environment.id, 'provisioning');
      expect(env.status).toBe('cleanup_required');
      const op = await knex('operations')
        .where({ environment_id: env.id, kind: 'provision' })
        .first();
      expect(op.status).toBe('failed');
      const held = await labHoldings(lab, routesDir);
      expect(held.cts).toHaveLength(1);
      expect({ ...held, cts: [] }).toMatchObject({
        endpoints: [],
        netboxVms: [],
        routeFiles: [],
      });
      const { vmid } = JSON.parse(op.result);
      const page = await request(server)
        .get(`${API}/environments/${name}`)
        .set('Authorization', alice);
      expect(page.body.status).toBe('cleanup_required');
      expect(page.body.leftovers).toEqual([
        expect.stringMatching(new RegExp(`^lxc: CT ${vmid} on node \\S+$`)),
      ]);
      expect(page.body.statusReason).toMatch(
        /^provision failed and left lxc: CT \d+ on node \S+ \(step netbox: .*undo of step lxc: .*\); DELETE the environment to remove them$/,
      );
      // the name stays held (the quota counts it: QuotaStore.test.ts)
      expect((await create(name)).status).toBe(409);

      lab.proxmox.control.reset();
      lab.netbox.control.reset();
      const deleted = await request(server)
        .delete(`${API}/environments/${name}?confirmName=${name}`)
        .set('Authorization', alice);
      expect(deleted.status).toBe(202);
      const gone = await settledIn(env.id, 'deleting');
      expect([gone.status, gone.status_reason]).toEqual(['deleted', null]);
      expect(await labHoldings(lab, routesDir)).toMatchObject({
        cts: [],
        endpoints: [],
        netboxVms: [],
        routeFiles: [],
      });
      // no final backup of an environment that never served
      const steps = await knex('operation_steps')
        .where({ operation_id: deleted.body.operation.id })
        .orderBy('position');
      expect(steps.map(s => `${s.name} ${s.status}`)).toEqual([
        'remove-netbox succeeded',
        'remove-route succeeded',
        'remove-welcome succeeded',
        'remove-registries succeeded',
        'remove-portainer succeeded',
        'remove-lxc succeeded',
      ]);

      const again = await create(name);
      expect(again.status).toBe(202);
      expect(
        (await settledIn(again.body.environment.id, 'provisioning')).status,
      ).toBe('ready');
    });
  },
);
