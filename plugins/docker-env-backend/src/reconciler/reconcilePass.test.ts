import { randomUUID } from 'node:crypto';
import type {
  ProxmoxClient,
  TraefikDynamicConfig,
} from '@docker-env/plugin-docker-env-node';
import type {
  Holdings,
  OwnerRegistry,
  RegistryFinding,
} from '@docker-env/plugin-docker-env-workflows-node';
import { Knex } from 'knex';
import { DatabaseDockerEnvStore, type DockerEnvStore } from '../store';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import { RECONCILER_ACTOR, reconcileOnce } from './reconcilePass';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

const settings = {
  baseDomain: 'docker.example.com',
  entryPoints: ['web'],
  tls: false,
};
const pausedRoute = { url: 'http://127.0.0.1:9999' };

describe.each(databases.eachSupportedId())(
  'a reconcile pass and its flags on %s',
  databaseId => {
    let knex: Knex;
    let store: DockerEnvStore;
    let files: Map<string, TraefikDynamicConfig>;
    /** The mark of each file in `files` (null: none). */
    let marks: Map<string, string | null>;
    /** Files the portal wrote before route files carried a mark. */
    let legacy: Set<string>;
    /** The address each CT answers now (`waitForIp`); 10.0.0.5, the provisioned one, when unset. */
    let addresses: Map<number, string | Error>;
    let addressReads: number[];
    let failWrites: boolean;
    let lab: Holdings;
    let clock: Date;
    let onRead: () => Promise<void>;
    const routes = {
      get: async (id: string) => {
        await onRead();
        return files.get(id);
      },
      put: async (
        id: string,
        document: TraefikDynamicConfig,
        environmentId: string,
      ) => {
        if (failWrites) throw new Error('route folder is read-only');
        files.set(id, document);
        marks.set(id, environmentId);
        legacy.delete(id);
      },
      owner: async (id: string) =>
        files.has(id) ? marks.get(id) ?? null : undefined,
      legacy: async (id: string) => legacy.has(id),
      remove: async (id: string) => files.delete(id),
      list: async () => [...files.keys()].sort(),
    };
    const proxmox = {
      forNode: () => ({
        waitForIp: async (vmid: number) => {
          addressReads.push(vmid);
          const address = addresses.get(vmid) ?? '10.0.0.5';
          if (address instanceof Error) throw address;
          return address;
        },
      }),
    } as unknown as Pick<ProxmoxClient, 'forNode'>;
    /** A file in the route folder as someone else (or the environment `owner`) left it. */
    const plant = (id: string, document: unknown, owner: string | null) => {
      files.set(id, document as TraefikDynamicConfig);
      marks.set(id, owner);
    };
    let registries: () => Promise<RegistryFinding[]>;
    const pass = () =>
      reconcileOnce({
        store,
        holdings: async () => structuredClone(lab),
        routes,
        proxmox,
        routeSettings: settings,
        pausedRoute,
        registries: () => registries(),
        now: () => clock,
      });
    const open = async () =>
      (await store.driftFlags().list()).map(
        f => `${f.kind} ${f.resourceKind} ${f.resourceId}`,
      );

    /** A lab holding the environment's CT (running), Portainer environment and NetBox VM, and no route files. */
    const wholeLab = (env: { id: string; name: string }): Holdings => {
      const ours = (id: string) => ({
        id,
        name: env.name,
        environmentId: env.id,
        unmanaged: false,
      });
      return {
        proxmox: { ok: true, items: [{ ...ours('101'), status: 'running' }] },
        portainer: { ok: true, items: [ours('1')] },
        netbox: { ok: true, items: [ours('1')] },
        routes: { ok: true, items: [] },
      };
    };

    /** A ready environment on CT `vmid`, provisioned at 10.0.0.5 with its welcome container on 8080. */
    async function environment(name: string, vmid: number) {
      const env = await store.insertEnvironment({
        name,
        owner: 'user:default/alice',
        status: 'provisioning',
        size: 'S',
        cpuCores: 1,
        memoryMb: 2048,
        diskGb: 16,
        purpose: 'tests',
        expiresOn: null,
        createdBy: 'user:default/alice',
      });
      await store.updateEnvironment(env.id, {
        status: 'ready',
        vmid,
        node: 'pve',
      });
      await operation(
        env.id,
        'provision',
        'succeeded',
        { ip: '10.0.0.5', welcomePort: 8080 },
        '2026-12-01T10:00:00Z',
      );
      return env;
    }

    async function operation(
      environmentId: string,
      kind: string,
      status: string,
      result: Record<string, unknown>,
      at: string,
    ) {
      await knex('operations').insert({
        id: randomUUID(),
        environment_id: environmentId,
        kind,
        status,
        input: '{}',
        result: JSON.stringify(result),
        requested_by: 'user:default/alice',
        created_at: new Date(at),
        lock_key: status === 'running' ? `env:${environmentId}` : null,
      });
    }

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseDockerEnvStore.create({
        database: { getClient: async () => knex },
      });
    });

    beforeEach(async () => {
      await knex('drift_flags').delete();
      await knex('audit_events').delete();
      await knex('operation_steps').delete();
      await knex('operations').delete();
      await knex('environments').delete();
      files = new Map();
      marks = new Map();
      legacy = new Set();
      addresses = new Map();
      addressReads = [];
      failWrites = false;
      onRead = async () => {};
      clock = new Date('2026-12-03T10:00:00Z');
      registries = async () => [];
    });

    it("rewrites a missing main route from the latest address and the primary deployment's port", async () => {
      const env = await environment('shop', 101);
      await operation(
        env.id,
        'deploy',
        'succeeded',
        { primary: true, newHostPort: 9100 },
        '2026-12-01T11:00:00Z',
      );
      await operation(
        env.id,
        'deploy',
        'succeeded',
        { primary: false, newHostPort: 9200 },
        '2026-12-01T12:00:00Z',
      );
      await operation(
        env.id,
        'deploy',
        'failed',
        { primary: true, newHostPort: 9300 },
        '2026-12-01T12:30:00Z',
      );
      await operation(
        env.id,
        'resume',
        'succeeded',
        { ip: '10.0.0.9' },
        '2026-12-01T13:00:00Z',
      );
      lab = wholeLab(env);
      addresses.set(101, '10.0.0.9');
      const report = await pass();
      expect(report.fixed).toEqual(['route_missing route dockerenv_shop']);
      expect(marks.get('dockerenv_shop')).toBe(env.id);
      const written = files.get('dockerenv_shop')!;
      expect(JSON.stringify(written)).toContain('http://10.0.0.9:9100');
      const [fix] = await knex('audit_events').where({ action: 'drift.fix' });
      expect(fix).toMatchObject({
        actor: RECONCILER_ACTOR,
        target: 'shop',
        environment_id: env.id,
        result: 'succeeded',
      });
      expect(fix.reason).toContain('rewritten to 10.0.0.9:9100');
      // the same file again is no drift
      lab.routes = {
        ok: true,
        items: [{ id: 'dockerenv_shop', name: 'shop', unmanaged: false }],
      };
      expect((await pass()).fixed).toEqual([]);
    });

    it('leaves the route file to an operation that starts during the pass', async () => {
      const env = await environment('shop', 101);
      lab = wholeLab(env);
      onRead = () =>
        operation(env.id, 'pause', 'running', {}, '2026-12-03T10:00:00Z');
      const report = await pass();
      expect([report.fixed, report.flagged]).toEqual([[], []]);
      expect(files.has('dockerenv_shop')).toBe(false);
    });

    it('a rewrite that fails is flagged and audited as failed, and resolves once a rewrite succeeds', async () => {
      const env = await environment('shop', 101);
      lab = wholeLab(env);
      failWrites = true;
      expect((await pass()).flagged).toEqual([
        'route_missing route dockerenv_shop',
      ]);
      const [failed] = await knex('audit_events').where({
        action: 'drift.fix',
      });
      expect(failed.result).toBe('failed');
      expect(failed.reason).toContain('route folder is read-only');
      failWrites = false;
      const report = await pass();
      expect(report.fixed).toEqual(['route_missing route dockerenv_shop']);
      expect(report.resolved).toEqual(['route_missing route dockerenv_shop']);
    });

    it("follows a running CT's address changed outside the portal, flags it, and keeps the flag while it lasts", async () => {
      const env = await environment('shop', 101);
      lab = wholeLab(env);
      await pass();
      expect(JSON.stringify(files.get('dockerenv_shop'))).toContain(
        'http://10.0.0.5:8080',
      );
      // DHCP hands the CT another address behind the portal's back
      addresses.set(101, '10.0.0.77');
      const report = await pass();
      expect(addressReads).toEqual([101, 101]);
      expect(report.fixed).toEqual(['route_changed route dockerenv_shop']);
      expect(report.flagged).toEqual(['ct_address_changed ct 101']);
      expect(JSON.stringify(files.get('dockerenv_shop'))).toContain(
        'http://10.0.0.77:8080',
      );
      const [flag] = await store
        .driftFlags()
        .list({ kind: 'ct_address_changed' });
      expect(flag.detail).toBe(
        'CT 101 of ready environment shop has the address 10.0.0.77, not 10.0.0.5 as the portal recorded it: changed outside the portal (its main route follows it; Portainer and NetBox still name 10.0.0.5)',
      );
      const fixes = await knex('audit_events')
        .where({ action: 'drift.fix' })
        .orderBy('id');
      expect(fixes.map(f => f.reason)).toEqual([
        'route file dockerenv_shop of ready environment shop was missing; rewritten to 10.0.0.5:8080',
        'route file dockerenv_shop of ready environment shop was changed; rewritten to 10.0.0.77:8080',
      ]);
      // the next pass: the route is right, the address still differs from the records
      const again = await pass();
      expect([again.fixed, again.flagged, again.resolved]).toEqual([
        [],
        [],
        [],
      ]);
      expect(await open()).toEqual(['ct_address_changed ct 101']);
    });

    it("does not read or follow the address of a stopped CT, nor judge a running CT's route whose address cannot be read", async () => {
      const env = await environment('shop', 101);
      lab = wholeLab(env);
      await pass();
      const before = files.get('dockerenv_shop');
      addresses.set(101, '10.0.0.77');
      lab.proxmox = {
        ok: true,
        items: [
          {
            id: '101',
            name: 'shop',
            environmentId: env.id,
            unmanaged: false,
            status: 'stopped',
          },
        ],
      };
      addressReads = [];
      const stopped = await pass();
      expect(addressReads).toEqual([]);
      expect(stopped.fixed).toEqual([]);
      expect(stopped.flagged).toEqual(['ct_stopped ct 101']);
      expect(files.get('dockerenv_shop')).toBe(before);

      lab = wholeLab(env);
      addresses.set(101, new Error('Proxmox CT 101: no IPv4 address on eth0'));
      plant('dockerenv_shop', {}, env.id);
      const unread = await pass();
      expect(unread.unreadable).toEqual([
        'proxmox: the address of CT 101 (shop): Proxmox CT 101: no IPv4 address on eth0',
      ]);
      expect([unread.fixed, unread.flagged]).toEqual([[], []]);
      expect(files.get('dockerenv_shop')).toEqual({});
    });

    it("never overwrites a main route file without its mark: flagged with the writer's error, the file untouched", async () => {
      const env = await environment('shop', 101);
      lab = wholeLab(env);
      plant('dockerenv_shop', { http: { routers: {} } }, null);
      const report = await pass();
      expect(report.fixed).toEqual([]);
      expect(report.flagged).toEqual(['route_changed route dockerenv_shop']);
      const [flag] = await store.driftFlags().list({ kind: 'route_changed' });
      expect(flag.detail).toBe(
        `route file dockerenv_shop of ready environment shop was changed; rewriting it failed: route file dockerenv_shop.yml carries no docker-env mark: it was not overwritten for environment ${env.id} (remove or rename it by hand if it is a leftover)`,
      );
      expect(files.get('dockerenv_shop')).toEqual({ http: { routers: {} } });
      // another environment's file is refused alike
      marks.set('dockerenv_shop', 'other-env');
      await pass();
      const [again] = await store.driftFlags().list({ kind: 'route_changed' });
      expect(again.detail).toContain(
        `route file dockerenv_shop.yml is marked for environment other-env: it was not overwritten for environment ${env.id}`,
      );
      expect(marks.get('dockerenv_shop')).toBe('other-env');
    });

    it("marks the route files an earlier version wrote without a mark as the environment's, and no other unmarked file", async () => {
      const env = await environment('shop', 101);
      lab = wholeLab(env);
      await pass();
      const main = files.get('dockerenv_shop');
      // as the version before the marks left them: the same documents, no mark
      plant('dockerenv_shop', main, null);
      plant('dockerenv_shop_api', { http: { routers: { api: {} } } }, null);
      legacy.add('dockerenv_shop').add('dockerenv_shop_api');
      plant('dockerenv_shop_handmade', {}, null);
      lab.routes = {
        ok: true,
        items: [
          'dockerenv_shop',
          'dockerenv_shop_api',
          'dockerenv_shop_handmade',
        ].map(id => ({ id, name: 'shop', unmanaged: false })),
      };
      const report = await pass();
      expect(report.fixed).toEqual([
        'route_changed route dockerenv_shop',
        'route_changed route dockerenv_shop_api',
      ]);
      expect([...marks.entries()].sort()).toEqual([
        ['dockerenv_shop', env.id],
        ['dockerenv_shop_api', env.id],
        ['dockerenv_shop_handmade', null],
      ]);
      expect(files.get('dockerenv_shop')).toBe(main);
      const reasons = (
        await knex('audit_events').where({ action: 'drift.fix' }).orderBy('id')
      ).map(a => a.reason);
      expect(reasons.slice(1)).toEqual([
        "route file dockerenv_shop of ready environment shop was written before route files carried a mark; marked as the environment's",
        "route file dockerenv_shop_api of ready environment shop was written before route files carried a mark; marked as the environment's",
      ]);
      expect((await pass()).fixed).toEqual([]);
    });

    it('keeps one open flag per drift, moves last seen on, and resolves only what it judged', async () => {
      const quiet = await environment('quiet', 101);
      const busy = await environment('busy', 102);
      const ours = (env: { id: string; name: string }, id: string) => ({
        id,
        name: env.name,
        environmentId: env.id,
        unmanaged: false,
      });
      lab = {
        proxmox: {
          ok: true,
          items: [
            { ...ours(quiet, '101'), status: 'stopped' },
            { ...ours(busy, '102'), status: 'stopped' },
          ],
        },
        portainer: { ok: true, items: [ours(quiet, '1'), ours(busy, '2')] },
        netbox: { ok: true, items: [] },
        routes: { ok: true, items: [] },
      };
      plant('dockerenv_quiet', {}, quiet.id);
      plant('dockerenv_busy', {}, busy.id);
      failWrites = true;
      await pass();
      expect((await open()).sort()).toEqual([
        'ct_stopped ct 101',
        'ct_stopped ct 102',
        'netbox_missing netbox_vm busy',
        'netbox_missing netbox_vm quiet',
        'route_changed route dockerenv_busy',
        'route_changed route dockerenv_quiet',
      ]);
      clock = new Date('2026-12-03T10:10:00Z');
      expect((await pass()).flagged).toEqual([]);
      const [flag] = await store.driftFlags().list({
        kind: 'ct_stopped',
        environmentName: 'quiet',
      });
      expect(flag.firstSeenAt).toBe('2026-12-03T10:00:00.000Z');
      expect(flag.lastSeenAt).toBe('2026-12-03T10:10:00.000Z');

      // everything repaired, but NetBox cannot be read and `busy` has an operation running
      await operation(busy.id, 'pause', 'running', {}, '2026-12-03T10:15:00Z');
      lab.proxmox = {
        ok: true,
        items: [
          { ...ours(quiet, '101'), status: 'running' },
          { ...ours(busy, '102'), status: 'running' },
        ],
      };
      lab.netbox = { ok: false, error: 'NetBox GET: timed out after 5000 ms' };
      failWrites = false;
      const report = await pass();
      expect(report.skipped).toEqual(['busy']);
      expect(report.unreadable).toEqual([
        'netbox: NetBox GET: timed out after 5000 ms',
      ]);
      expect(report.resolved.sort()).toEqual([
        'ct_stopped ct 101',
        'route_changed route dockerenv_quiet',
      ]);
      expect((await open()).sort()).toEqual([
        'ct_stopped ct 102',
        'netbox_missing netbox_vm busy',
        'netbox_missing netbox_vm quiet',
        'route_changed route dockerenv_busy',
      ]);
      const resolved = await store.driftFlags().list({ state: 'resolved' });
      expect(resolved.map(f => f.resolvedAt)).toEqual([
        clock.toISOString(),
        clock.toISOString(),
      ]);
    });

    it('flags registry drift the registry sync left, resolves it once gone, and keeps it while the registries cannot be read', async () => {
      const env = await environment('shop', 101);
      lab = wholeLab(env);
      plant('dockerenv_shop', {}, env.id);
      const registry: OwnerRegistry = {
        name: 'team-a',
        portainerName: 'docker-env-registry-team-a',
        owner: 'group:default/team-a',
        url: 'gitlab.example.com:5050',
        username: 'deploy',
        password: 'secret',
      };
      registries = async () => [
        {
          kind: 'registry_access_missing',
          registry,
          registryId: 7,
          teamId: 3,
          environment: {
            owner: registry.owner,
            endpointId: 1,
            environmentId: env.id,
            name: 'shop',
          },
        },
        {
          kind: 'registry_withdrawn',
          registryId: 8,
          name: 'docker-env-registry-old',
        },
      ];
      await pass();
      const flags = await store
        .driftFlags()
        .list({ resourceKind: 'portainer_registry' });
      expect(
        flags.map(f => `${f.kind} ${f.resourceId} ${f.environmentName}`).sort(),
      ).toEqual([
        'orphan docker-env-registry-old null',
        'registry_access_missing docker-env-registry-team-a@1 shop',
      ]);
      expect(JSON.stringify(flags)).not.toContain('secret');

      registries = async () => {
        throw new Error('Portainer GET /registries: timed out');
      };
      const unread = await pass();
      expect(unread.unreadable).toEqual([
        'registries: Portainer GET /registries: timed out',
      ]);
      expect(unread.resolved).toEqual([]);

      registries = async () => [];
      expect((await pass()).resolved.sort()).toEqual([
        'orphan portainer_registry docker-env-registry-old',
        'registry_access_missing portainer_registry docker-env-registry-team-a@1',
      ]);
    });
  },
);
