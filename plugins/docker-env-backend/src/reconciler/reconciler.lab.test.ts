import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  NetBoxClient,
  PortainerClient,
  ProxmoxApiClient,
  UNMANAGED_MARK,
  pveEnvironmentTag,
  MANAGED_BY,
} from '@docker-env/plugin-docker-env-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Knex } from 'knex';
import request from 'supertest';
import { DatabaseDockerEnvStore } from '../store';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import {
  API,
  as,
  LabBackend,
  startLabBackend,
} from '@docker-env/lab-testing/backend/labBackend';
import { RECONCILER_ACTOR, reconcileOnce } from './reconcilePass';
import { reconcilerDepsFromConfig } from './scheduleReconciler';

jest.setTimeout(180_000);

const databases = createStoreTestDatabases();

/** Ids no record has: the marks of stray CTs made behind the portal's back. */
const STRAY_ID = 'a0000000-0000-4000-8000-00000000beef';
const HANDMADE_ID = 'a0000000-0000-4000-8000-00000000cafe';

/**
 * Provisions environments through the API, breaks the lab behind the portal's back (CT stopped, started, destroyed;
 * route files deleted, edited, left behind; stray CTs), runs reconcile passes and checks flags, fixes, audit and the
 * API; then repairs the lab and checks that the flags resolve.
 */
describe.each(databases.eachSupportedId())(
  'the reconciler against the lab on %s',
  databaseId => {
    let l: LabBackend;
    let knex: Knex;
    let proxmox: ProxmoxApiClient;
    let netbox: NetBoxClient;
    let portainer: PortainerClient;
    let pass: () => ReturnType<typeof reconcileOnce>;
    const envs: Record<string, { id: string; vmid: number; node: string }> = {};

    const wait = async (upid: string) => {
      await proxmox.waitForTask(upid, { timeoutMs: 10_000 });
    };
    const ct = (name: string) => proxmox.forNode(envs[name].node);
    const routeFile = (id: string) => path.join(l.routesDir, `${id}.yml`);
    const drift = (query = '', user = 'root') =>
      request(l.server)
        .get(`${API}/drift${query}`)
        .set('Authorization', as(user));
    const openFlags = async () =>
      (await drift()).body.items
        .map((f: any) => `${f.kind} ${f.resourceKind} ${f.environmentName}`)
        .sort();

    /** A CT cloned from the golden template and tagged as ours for `environmentId` (no record holds it). */
    async function strayCt(
      hostname: string,
      environmentId: string,
      extraTags: string[] = [],
    ) {
      const template = (await proxmox.listContainers()).find(c => c.template)!;
      const made = await proxmox.forNode(template.node).cloneFromTemplate({
        templateVmid: template.vmid,
        hostname,
        environmentId,
      });
      if (made.upid) await wait(made.upid);
      const node = proxmox.forNode(made.node);
      await node.updateConfig(made.vmid, {
        tags: [MANAGED_BY, pveEnvironmentTag(environmentId), ...extraTags],
      });
      return made.vmid;
    }

    /** A NetBox VM and a Portainer environment (on beta's agent) marked for `environmentId`; ids as strings. */
    async function strayRecords(
      name: string,
      environmentId: string,
      unmanaged = false,
    ) {
      const marks = unmanaged ? [UNMANAGED_MARK] : [];
      for (const mark of marks) await netbox.ensureTag(mark, mark);
      const [any] = await netbox.listVirtualMachines({ tag: MANAGED_BY });
      const { vm } = await netbox.upsertVirtualMachine(
        {
          name,
          clusterId: any.cluster!.id,
          status: 'active',
          tags: [MANAGED_BY, ...marks].map(t => ({ name: t, slug: t })),
        },
        { environmentId },
      );
      const provisioned = await knex('operations')
        .where({ environment_id: envs.beta.id, kind: 'provision' })
        .first();
      const { endpoint } = await portainer.createAgentEndpoint({
        name,
        ip: JSON.parse(provisioned.result).ip,
        environmentId,
        extraTags: marks,
      });
      return { vm: String(vm.id), endpoint: String(endpoint.id) };
    }

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      l = await startLabBackend({
        knex,
        // passes run by hand here: the scheduled one would race them
        dockerEnv: { reconciler: { enabled: false } },
      });
      const config = new ConfigReader({
        dockerEnv: {
          ...l.clients.getConfig('dockerEnv').get<any>(),
          lifecycle: {
            backupStorage: 'backup',
            pausedRoute: { url: l.pausedUrl },
          },
        },
      });
      proxmox = ProxmoxApiClient.fromConfig(config);
      netbox = NetBoxClient.fromConfig(config);
      portainer = PortainerClient.fromConfig(config);
      const store = await DatabaseDockerEnvStore.create({
        database: { getClient: async () => knex, migrations: { skip: true } },
      });
      const deps = reconcilerDepsFromConfig(config, { store });
      pass = () => reconcileOnce(deps());
      for (const name of ['alpha', 'beta', 'gamma', 'delta', 'omega']) {
        const env = await l.provision(name);
        envs[name] = { id: env.id, vmid: env.vmid, node: env.node };
      }
      const paused = await request(l.server)
        .post(`${API}/environments/gamma/pause`)
        .set('Authorization', as('alice'));
      if (paused.status !== 202)
        throw new Error(`pause gamma: ${paused.status} ${paused.text}`);
      await l.waitForStatus('gamma', 'paused');
      // a deleted environment keeps its decommissioned NetBox VM: no orphan
      const deleted = await request(l.server)
        .delete(`${API}/environments/omega?confirmName=omega`)
        .set('Authorization', as('alice'));
      if (deleted.status !== 202)
        throw new Error(`delete omega: ${deleted.status} ${deleted.text}`);
      await l.waitForStatus('omega', 'deleted');
    });
    afterAll(async () => {
      await l?.stop();
    });

    it('finds nothing to do on a lab that agrees with the records', async () => {
      const report = await pass();
      expect(report).toEqual({
        fixed: [],
        flagged: [],
        resolved: [],
        skipped: [],
        unreadable: [],
      });
      expect(await openFlags()).toEqual([]);
    });

    it('fixes route files, flags CTs and orphans, leaves unmanaged and foreign things alone, and resolves flags once repaired', async () => {
      const { alpha, gamma, delta } = envs;
      // route files: one deleted, one edited by hand, one of ours with no environment, one not ours
      const alphaRoute = await fs.readFile(
        routeFile('dockerenv_alpha'),
        'utf8',
      );
      await fs.rm(routeFile('dockerenv_beta'));
      await fs.writeFile(
        routeFile('dockerenv_alpha'),
        alphaRoute.replace(/http:\/\/[0-9.]+:/, 'http://10.9.9.9:'),
      );
      const ghostRoute = alphaRoute.replaceAll('alpha', 'ghost');
      const foreignRoute = alphaRoute.replaceAll('dockerenv_alpha', 'foreign');
      await fs.writeFile(routeFile('dockerenv_ghost'), ghostRoute);
      await fs.writeFile(routeFile('someone-else'), foreignRoute);
      // CTs: alpha stopped, paused gamma started, delta destroyed, stray ones of ours and one unmanaged
      await wait(await ct('alpha').stop(alpha.vmid));
      await wait(await ct('gamma').start(gamma.vmid));
      await wait(await ct('delta').stop(delta.vmid));
      await wait(await ct('delta').destroy(delta.vmid));
      const stray = await strayCt('stray', STRAY_ID);
      await strayCt('handmade', HANDMADE_ID, [UNMANAGED_MARK]);
      const strays = await strayRecords('stray', STRAY_ID);
      await strayRecords('handmade', HANDMADE_ID, true);

      const report = await pass();
      expect(report.fixed.sort()).toEqual([
        'route_changed route dockerenv_alpha',
        'route_missing route dockerenv_beta',
      ]);
      expect(report.flagged.sort()).toEqual(
        [
          `ct_stopped ct ${alpha.vmid}`,
          `ct_running ct ${gamma.vmid}`,
          `ct_missing ct ${delta.vmid}`,
          `orphan ct ${stray}`,
          `orphan netbox_vm ${strays.vm}`,
          `orphan portainer_endpoint ${strays.endpoint}`,
          'orphan route dockerenv_ghost',
        ].sort(),
      );
      expect(await openFlags()).toEqual([
        'ct_missing ct delta',
        'ct_running ct gamma',
        'ct_stopped ct alpha',
        'orphan ct stray',
        'orphan netbox_vm stray',
        'orphan portainer_endpoint stray',
        'orphan route ghost',
      ]);

      // the route files are whole again; what is not ours is untouched
      expect(await fs.readFile(routeFile('dockerenv_alpha'), 'utf8')).toBe(
        alphaRoute,
      );
      await fs.access(routeFile('dockerenv_beta'));
      await fs.access(routeFile('dockerenv_ghost'));
      expect(await fs.readFile(routeFile('someone-else'), 'utf8')).toBe(
        foreignRoute,
      );
      // nothing was started, stopped or deleted
      expect((await ct('alpha').getStatus(alpha.vmid)).status).toBe('stopped');
      expect((await ct('gamma').getStatus(gamma.vmid)).status).toBe('running');
      expect((await proxmox.findContainer({ hostname: 'stray' }))?.vmid).toBe(
        stray,
      );
      // the records keep their status: admins see the flags
      const deltaRecord = await request(l.server)
        .get(`${API}/environments/delta`)
        .set('Authorization', as('alice'));
      expect(deltaRecord.body.status).toBe('ready');

      // audited: each fix and each new flag
      const audit = await knex('audit_events')
        .where({ actor: RECONCILER_ACTOR })
        .orderBy('id');
      expect(
        audit
          .filter(a => a.action === 'drift.fix')
          .map(a => `${a.target} ${a.result}`)
          .sort(),
      ).toEqual(['alpha succeeded', 'beta succeeded']);
      expect(audit.filter(a => a.action === 'drift.flag')).toHaveLength(7);
      expect(
        audit.find(a => a.action === 'drift.flag' && a.target === 'alpha')
          ?.environment_id,
      ).toBe(alpha.id);

      // the owner sees the flags of their environment
      const own = await request(l.server)
        .get(`${API}/environments/alpha/drift`)
        .set('Authorization', as('alice'));
      expect(own.status).toBe(200);
      expect(own.body.items.map((f: any) => f.kind)).toEqual(['ct_stopped']);
      expect(own.body.items[0].detail).toContain('stopped outside the portal');
      const filtered = await drift('?kind=orphan&resourceKind=route');
      expect(filtered.body.items.map((f: any) => f.resourceId)).toEqual([
        'dockerenv_ghost',
      ]);

      // a second pass changes nothing and raises nothing again
      const again = await pass();
      expect([again.fixed, again.flagged, again.resolved]).toEqual([
        [],
        [],
        [],
      ]);

      // repaired behind the portal's back too: the flags resolve, the lost CT's stays
      await wait(await ct('alpha').start(alpha.vmid));
      await wait(await ct('gamma').stop(gamma.vmid));
      await fs.rm(routeFile('dockerenv_ghost'));
      await wait(await proxmox.forNode(alpha.node).destroy(stray));
      await netbox.deleteVirtualMachine(Number(strays.vm));
      await portainer.deleteEndpoint(Number(strays.endpoint));
      const repaired = await pass();
      expect(repaired.resolved.sort()).toEqual(
        [
          `ct_stopped ct ${alpha.vmid}`,
          `ct_running ct ${gamma.vmid}`,
          `orphan ct ${stray}`,
          `orphan netbox_vm ${strays.vm}`,
          `orphan portainer_endpoint ${strays.endpoint}`,
          'orphan route dockerenv_ghost',
        ].sort(),
      );
      expect(await openFlags()).toEqual(['ct_missing ct delta']);
      const resolved = await drift('?state=resolved');
      expect(resolved.body.items).toHaveLength(6);
      expect(resolved.body.items.every((f: any) => f.resolvedAt)).toBe(true);
      expect(
        await knex('audit_events').where({
          actor: RECONCILER_ACTOR,
          action: 'drift.resolve',
        }),
      ).toHaveLength(6);
    });

    it("follows an address a running CT got outside the portal, flags it, and leaves a stopped CT's route alone", async () => {
      const { beta } = envs;
      const before = await fs.readFile(routeFile('dockerenv_beta'), 'utf8');
      const [, oldIp] = before.match(/http:\/\/([0-9.]+):/)!;
      // restarted in Proxmox by hand; DHCP hands out another lease
      await wait(await ct('beta').stop(beta.vmid));
      l.lab.proxmox.control.injectFault({
        operation: 'proxmox.lxc.start',
        action: { kind: 'new-address' },
      });
      await wait(await ct('beta').start(beta.vmid));
      l.lab.proxmox.control.reset();
      const newIp = await ct('beta').waitForIp(beta.vmid, {
        timeoutMs: 10_000,
      });
      expect(newIp).not.toBe(oldIp);

      const moved = await pass();
      expect(moved.flagged).toContain(`ct_address_changed ct ${beta.vmid}`);
      expect(moved.fixed).toContain('route_changed route dockerenv_beta');
      const after = await fs.readFile(routeFile('dockerenv_beta'), 'utf8');
      expect(after).toBe(
        before.replace(`http://${oldIp}:`, `http://${newIp}:`),
      );
      expect(await openFlags()).toContain('ct_address_changed ct beta');

      // stopped outside the portal: its address is not read, its route not followed
      await wait(await ct('beta').stop(beta.vmid));
      await fs.writeFile(routeFile('dockerenv_beta'), before);
      const stopped = await pass();
      expect(stopped.flagged).toContain(`ct_stopped ct ${beta.vmid}`);
      expect(stopped.fixed).toEqual([]);
      expect(await fs.readFile(routeFile('dockerenv_beta'), 'utf8')).toBe(
        before,
      );
    });

    it('answers 401 without credentials and 403 to non-admins and non-owners', async () => {
      const none = await request(l.server)
        .get(`${API}/drift`)
        .set('Authorization', mockCredentials.none.header());
      expect(none.status).toBe(401);
      expect((await drift('', 'alice')).status).toBe(403);
      expect((await drift('', 'root')).status).toBe(200);
      const envNone = await request(l.server)
        .get(`${API}/environments/alpha/drift`)
        .set('Authorization', mockCredentials.none.header());
      expect(envNone.status).toBe(401);
      const bob = await request(l.server)
        .get(`${API}/environments/alpha/drift`)
        .set('Authorization', as('bob'));
      expect(bob.status).toBe(403);
      const bad = await drift('?kind=nonsense');
      expect(bad.status).toBe(400);
    });
  },
);
