import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  NETBOX_LAB_TOKEN_V1,
  NETBOX_LAB_TOKEN_V2,
  NetBoxSimulator,
  netboxContractValidator,
} from '@docker-env/lab';
import { UpstreamApiError } from '../errors';
import { OwnershipConflictError } from '../ownership';
import { NetBoxClient } from './NetBoxClient';
import { flattenErrors } from './mapping';

const WRITE_SCHEMAS: Record<string, Record<string, string>> = {
  '/api/virtualization/cluster-types/': { POST: 'ClusterTypeRequest' },
  '/api/virtualization/clusters/': { POST: 'WritableClusterRequest' },
  '/api/extras/custom-fields/': { POST: 'WritableCustomFieldRequest' },
  '/api/extras/tags/': { POST: 'TagRequest' },
  '/api/virtualization/virtual-machines/': {
    POST: 'WritableVirtualMachineWithConfigContextRequest',
  },
  '/api/virtualization/virtual-machines/{id}/': {
    PATCH: 'PatchedWritableVirtualMachineWithConfigContextRequest',
  },
  '/api/virtualization/interfaces/': { POST: 'WritableVMInterfaceRequest' },
  '/api/ipam/ip-addresses/': { POST: 'WritableIPAddressRequest' },
  '/api/ipam/ip-addresses/{id}/': {
    PATCH: 'PatchedWritableIPAddressRequest',
  },
};

describe('NetBoxClient against the NetBox simulator', () => {
  let sim: NetBoxSimulator;
  const contract = netboxContractValidator();
  const sent: Array<{
    method: string;
    path: string;
    body: unknown;
    auth: string | null;
  }> = [];

  /** fetch that records every request and checks write bodies against the contract's request schemas. */
  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    const auth = new Headers(init?.headers).get('authorization');
    sent.push({
      method: init?.method ?? 'GET',
      path: url.pathname,
      body,
      auth,
    });
    const key = url.pathname.replace(/\/\d+\/$/, '/{id}/');
    const schema = WRITE_SCHEMAS[key]?.[init?.method ?? 'GET'];
    if (body !== undefined) {
      expect(schema).toBeDefined();
      expect(contract.validate(schema!, body)).toEqual([]);
    }
    return fetch(input, init);
  };

  const client = (token = NETBOX_LAB_TOKEN_V2, extra: object = {}) =>
    new NetBoxClient({
      baseUrl: sim.url,
      token,
      fetch: recordingFetch,
      ...extra,
    });

  beforeEach(async () => {
    sent.length = 0;
    sim = await NetBoxSimulator.start({ latencyScale: 0 });
  });
  afterEach(async () => {
    await sim.stop();
  });

  async function setup(nb: NetBoxClient) {
    const type = await nb.ensureClusterType('Proxmox', 'proxmox');
    const cluster = await nb.ensureCluster('pve-lab', type.id);
    await nb.ensureCustomField({
      name: 'docker_env_id',
      type: 'text',
      label: 'Environment',
    });
    await nb.ensureCustomField({
      name: 'docker_env_environment_id',
      type: 'text',
      label: 'Environment id',
    });
    const tag = await nb.ensureTag('docker-env', 'docker-env', '2196f3');
    return { type, cluster, tag };
  }

  it('reads config and sends the v2 Bearer or the v1 Token header', async () => {
    const v2 = NetBoxClient.fromConfig(
      new ConfigReader({
        dockerEnv: {
          netbox: {
            baseUrl: sim.url,
            allowInsecure: true,
            token: NETBOX_LAB_TOKEN_V2,
          },
        },
      }),
      { fetch: recordingFetch },
    );
    await v2.ensureClusterType('Proxmox', 'proxmox');
    expect(sent[0].auth).toBe(`Bearer ${NETBOX_LAB_TOKEN_V2}`);
    const v1 = NetBoxClient.fromConfig(
      new ConfigReader({
        dockerEnv: {
          netbox: {
            baseUrl: sim.url,
            allowInsecure: true,
            token: NETBOX_LAB_TOKEN_V1,
            tokenVersion: 'v1',
          },
        },
      }),
      { fetch: recordingFetch },
    );
    await v1.ensureClusterType('Proxmox', 'proxmox');
    expect(sent[sent.length - 1].auth).toBe(`Token ${NETBOX_LAB_TOKEN_V1}`);
    expect(sim.state.clusterTypes).toHaveLength(1);
  });

  it('maps a bad token to UpstreamApiError 403 with the detail', async () => {
    const nb = client('nbt_wrong0000001.abcdef0123456789');
    const err = await nb.ensureClusterType('Proxmox', 'proxmox').catch(e => e);
    expect(err).toBeInstanceOf(UpstreamApiError);
    expect(err).toMatchObject({
      system: 'netbox',
      status: 403,
      reason: 'Invalid v2 token',
    });
    expect(err.message).not.toContain('abcdef0123456789');
  });

  it('creates, finds, upserts, updates, sets status and deletes a VM', async () => {
    const nb = client();
    const { cluster, tag } = await setup(nb);
    const input = {
      name: 'dev-alice',
      clusterId: cluster.id,
      status: 'planned' as const,
      vcpus: 2,
      memoryMb: 2048,
      diskMb: 8192,
      tenantId: 1,
      roleId: 1,
      tags: [tag],
      comments: 'Owner: alice\nCreated by the portal',
      customFields: { docker_env_id: 'env-42' },
    };
    const first = await nb.upsertVirtualMachine(input, {
      environmentId: 'env-42',
    });
    expect(first.created).toBe(true);
    expect(first.vm).toMatchObject({
      name: 'dev-alice',
      status: 'planned',
      statusLabel: 'Planned',
      cluster: { id: cluster.id, name: 'pve-lab' },
      tenant: { slug: 'platform' },
      memoryMb: 2048,
      tags: ['docker-env'],
      customFields: {
        docker_env_id: 'env-42',
        docker_env_environment_id: 'env-42',
      },
    });
    const again = await nb.upsertVirtualMachine(
      { ...input, memoryMb: 4096 },
      { environmentId: 'env-42' },
    );
    expect(again).toMatchObject({
      created: false,
      vm: { id: first.vm.id, memoryMb: 4096 },
    });
    expect(sim.state.virtualMachines).toHaveLength(1);

    expect(await nb.getVirtualMachine('dev-alice', cluster.id)).toMatchObject({
      id: first.vm.id,
    });
    expect(await nb.getVirtualMachine('nobody', cluster.id)).toBeUndefined();
    for (const status of [
      'active',
      'paused',
      'offline',
      'staged',
      'failed',
      'decommissioning',
    ] as const) {
      expect(
        (await nb.setVirtualMachineStatus(first.vm.id, status)).status,
      ).toBe(status);
    }
    const byCf = await nb.listVirtualMachines({
      customField: { name: 'docker_env_id', value: 'env-42' },
    });
    expect(byCf.map(v => v.id)).toEqual([first.vm.id]);
    expect(
      await nb.listVirtualMachines({ tag: 'docker-env', status: 'active' }),
    ).toEqual([]);

    const iface = await nb.ensureInterface(first.vm.id, 'eth0', {
      tags: [tag],
    });
    expect(iface.created).toBe(true);
    expect(await nb.ensureInterface(first.vm.id, 'eth0')).toEqual({
      ...iface,
      created: false,
    });
    const ip = await nb.ensureIpAddress({
      address: '10.10.0.101/24',
      interfaceId: iface.id,
      dnsName: 'dev-alice.lab',
    });
    expect(ip).toMatchObject({
      status: 'active',
      assignedInterfaceId: iface.id,
      created: true,
    });
    const ipAgain = await nb.ensureIpAddress({
      address: '10.10.0.101/24',
      interfaceId: iface.id,
    });
    expect(ipAgain).toEqual({ ...ip, created: false });
    expect(sim.state.interfaces).toHaveLength(1);
    expect(sim.state.ipAddresses).toHaveLength(1);
    const withIp = await nb.setPrimaryIp4(first.vm.id, ip.id);
    expect(withIp.primaryIp4).toEqual({ id: ip.id, address: '10.10.0.101/24' });

    await nb.deleteVirtualMachine(first.vm.id);
    expect(sim.state.virtualMachines).toEqual([]);
    const gone = await nb.getVirtualMachineById(first.vm.id).catch(e => e);
    expect(gone).toMatchObject({ status: 404, isNotFound: true });
  });

  it('follows next over several pages', async () => {
    const nb = client(NETBOX_LAB_TOKEN_V2, { pageSize: 2 });
    const { cluster } = await setup(nb);
    for (let i = 0; i < 5; i++)
      await nb.createVirtualMachine({ name: `vm-${i}`, clusterId: cluster.id });
    sent.length = 0;
    const all = await nb.listVirtualMachines({ clusterId: cluster.id });
    expect(all.map(v => v.name)).toEqual([
      'vm-0',
      'vm-1',
      'vm-2',
      'vm-3',
      'vm-4',
    ]);
    expect(sent.filter(s => s.method === 'GET')).toHaveLength(3);
  });

  it('sends a next link that names another scheme or host to the configured server only', async () => {
    const seen: string[] = [];
    const rewrite =
      (target: string): typeof fetch =>
      async (input, init) => {
        seen.push(String(input));
        const res = await recordingFetch(input, init);
        const body = await res.json();
        if (body?.next)
          body.next = body.next.replace(
            /^http:\/\/[^/]+\/api\/virtualization\/virtual-machines\//,
            target,
          );
        return new Response(JSON.stringify(body), {
          status: res.status,
          headers: res.headers,
        });
      };
    const setupClient = client(NETBOX_LAB_TOKEN_V2, { pageSize: 2 });
    const { cluster } = await setup(setupClient);
    for (let i = 0; i < 3; i++)
      await setupClient.createVirtualMachine({
        name: `vm-${i}`,
        clusterId: cluster.id,
      });

    const proxied = client(NETBOX_LAB_TOKEN_V2, {
      pageSize: 2,
      fetch: rewrite(
        'https://netbox.internal:8443/api/virtualization/virtual-machines/',
      ),
    });
    const all = await proxied.listVirtualMachines({ clusterId: cluster.id });
    expect(all.map(v => v.name)).toEqual(['vm-0', 'vm-1', 'vm-2']);
    expect(seen).toHaveLength(2);
    expect(
      seen.every(u =>
        u.startsWith(`${sim.url}/api/virtualization/virtual-machines/?`),
      ),
    ).toBe(true);
    expect(seen[1]).toContain('offset=2');

    const elsewhere = client(NETBOX_LAB_TOKEN_V2, {
      pageSize: 2,
      fetch: rewrite('https://evil.example/api/users/'),
    });
    await expect(
      elsewhere.listVirtualMachines({ clusterId: cluster.id }),
    ).rejects.toThrow(
      'NetBox GET /api/virtualization/virtual-machines/ returned a next link outside /api/virtualization/virtual-machines/',
    );
  });

  it('maps 400 field errors: __all__, field lists, non_field_errors, nested custom_fields', async () => {
    const nb = client();
    const { cluster } = await setup(nb);
    await nb.createVirtualMachine({ name: 'dup', clusterId: cluster.id });
    const dup = await nb
      .createVirtualMachine({ name: 'dup', clusterId: cluster.id })
      .catch(e => e);
    expect(dup).toMatchObject({
      status: 400,
      fieldErrors: {
        __all__: 'Virtual machine name must be unique per cluster.',
      },
    });
    const badCluster = await nb
      .createVirtualMachine({ name: 'x', clusterId: 999 })
      .catch(e => e);
    expect(badCluster.fieldErrors.cluster).toBe(
      'Related object not found using the provided numeric ID: 999',
    );
    const badCf = await nb
      .createVirtualMachine({
        name: 'y',
        clusterId: cluster.id,
        customFields: { unknown_field: 'x' },
      })
      .catch(e => e);
    expect(badCf.fieldErrors['custom_fields.unknown_field']).toContain(
      'does not exist',
    );
    const vm = await nb.getVirtualMachine('dup', cluster.id);
    const notAssigned = await nb
      .ensureIpAddress({
        address: '10.0.0.9/24',
        interfaceId: (await nb.ensureInterface(vm!.id, 'eth1')).id,
      })
      .then(ip => nb.setPrimaryIp4(vm!.id + 1000, ip.id))
      .catch(e => e);
    expect(notAssigned.status).toBe(404);
    expect(flattenErrors({ a: ['x', 'y'], b: { c: 'z' } })).toEqual({
      a: 'x y',
      'b.c': 'z',
    });
  });

  it('upsert reuses the existing VM when a concurrent create won', async () => {
    const nb = client();
    const { cluster } = await setup(nb);
    const [a, b] = await Promise.all([
      nb.upsertVirtualMachine(
        { name: 'race', clusterId: cluster.id },
        { environmentId: 'env-race' },
      ),
      nb.upsertVirtualMachine(
        { name: 'race', clusterId: cluster.id },
        { environmentId: 'env-race' },
      ),
    ]);
    expect(a.vm.id).toBe(b.vm.id);
    expect(sim.state.virtualMachines).toHaveLength(1);
  });

  it('refuses a same-named VM and an address that are not ours, and adopts its own', async () => {
    const nb = client();
    const { cluster } = await setup(nb);
    // made by hand: no environment id
    const stranger = await nb.createVirtualMachine({
      name: 'taken',
      clusterId: cluster.id,
    });
    const err = await nb
      .upsertVirtualMachine(
        { name: 'taken', clusterId: cluster.id, vcpus: 4 },
        { environmentId: 'env-1' },
      )
      .catch((e: any) => e);
    expect(err).toBeInstanceOf(OwnershipConflictError);
    expect(err.message).toContain('virtual machine "taken"');
    // another environment's VM is not ours either
    const { vm: theirs } = await nb.upsertVirtualMachine(
      { name: 'theirs', clusterId: cluster.id },
      { environmentId: 'env-2' },
    );
    await expect(
      nb.upsertVirtualMachine(
        { name: 'theirs', clusterId: cluster.id },
        { environmentId: 'env-1' },
      ),
    ).rejects.toBeInstanceOf(OwnershipConflictError);
    expect((await nb.getVirtualMachineById(stranger.id)).vcpus).toBeNull();

    // an address already assigned elsewhere is refused, not moved
    const theirIf = await nb.ensureInterface(theirs.id, 'eth0');
    await nb.ensureIpAddress({
      address: '10.1.0.5/24',
      interfaceId: theirIf.id,
    });
    const { vm: mine } = await nb.upsertVirtualMachine(
      { name: 'mine', clusterId: cluster.id },
      { environmentId: 'env-1' },
    );
    const myIf = await nb.ensureInterface(mine.id, 'eth0');
    const ipErr = await nb
      .ensureIpAddress({ address: '10.1.0.5/24', interfaceId: myIf.id })
      .catch((e: any) => e);
    expect(ipErr).toBeInstanceOf(OwnershipConflictError);
    expect(ipErr.message).toContain('IP address 10.1.0.5/24');
    expect(sim.state.ipAddresses).toHaveLength(1);
    expect(sim.state.ipAddresses[0].assigned_object_id).toBe(theirIf.id);
  });

  it('moves and releases the primary address of our VM only', async () => {
    const nb = client();
    const { cluster } = await setup(nb);
    const addressed = async (
      environmentId: string,
      name: string,
      ip: string,
    ) => {
      const { vm } = await nb.upsertVirtualMachine(
        { name, clusterId: cluster.id },
        { environmentId },
      );
      const iface = await nb.ensureInterface(vm.id, 'eth0');
      const addr = await nb.ensureIpAddress({
        address: ip,
        interfaceId: iface.id,
      });
      await nb.setPrimaryIp4(vm.id, addr.id);
      return { vm, addr };
    };
    const mine = await addressed('env-1', 'mine', '10.1.0.5/24');
    const theirs = await addressed('env-2', 'theirs', '10.1.0.6/24');

    expect(await nb.changePrimaryIp4(mine.vm.id, 'env-1', '10.1.0.9')).toBe(
      true,
    );
    expect(sent.at(-1)).toMatchObject({
      method: 'PATCH',
      path: `/api/ipam/ip-addresses/${mine.addr.id}/`,
      body: { address: '10.1.0.9/24' },
    });
    expect((await nb.getVirtualMachineById(mine.vm.id)).primaryIp4).toEqual({
      id: mine.addr.id,
      address: '10.1.0.9/24',
    });
    const writes = sent.length;
    expect(await nb.changePrimaryIp4(mine.vm.id, 'env-1', '10.1.0.9')).toBe(
      false,
    );
    expect(sent.slice(writes).every(r => r.method === 'GET')).toBe(true);

    // another environment's VM: refused, its address untouched
    await expect(
      nb.changePrimaryIp4(theirs.vm.id, 'env-1', '10.1.0.7'),
    ).rejects.toBeInstanceOf(OwnershipConflictError);
    await expect(
      nb.releasePrimaryIp4(theirs.vm.id, 'env-1'),
    ).rejects.toBeInstanceOf(OwnershipConflictError);
    await expect(
      nb.changePrimaryIp4(mine.vm.id, 'env-1', '10.1.0'),
    ).rejects.toThrow(/^ip: /);

    expect(await nb.releasePrimaryIp4(mine.vm.id, 'env-1')).toBe(true);
    expect(await nb.releasePrimaryIp4(mine.vm.id, 'env-1')).toBe(false);
    expect(sim.state.ipAddresses.map(i => i.id)).toEqual([theirs.addr.id]);
  });

  describe('refuses bad input before any request', () => {
    const bad = [
      'has space',
      'quote"d',
      "single'q",
      'back`tick',
      'new\nline',
      '..',
      'a..b',
      'ünïcode',
      'x'.repeat(65),
      '',
    ];
    it.each(bad)('VM name %j', async name => {
      const nb = client();
      await expect(
        nb.createVirtualMachine({ name, clusterId: 1 }),
      ).rejects.toBeInstanceOf(InputError);
      await expect(
        nb.upsertVirtualMachine(
          { name, clusterId: 1 },
          { environmentId: 'env-1' },
        ),
      ).rejects.toBeInstanceOf(InputError);
      await expect(nb.getVirtualMachine(name, 1)).rejects.toBeInstanceOf(
        InputError,
      );
      expect(sim.requests).toEqual([]);
    });

    it('other fields name the field and the rule', async () => {
      const nb = client();
      await expect(
        nb.ensureCustomField({ name: 'Bad-Name', type: 'text' }),
      ).rejects.toThrow(/^name: must match/);
      await expect(
        nb.ensureCustomField({ name: 'a__b', type: 'text' }),
      ).rejects.toThrow(InputError);
      await expect(nb.ensureTag('ok', 'Not A Slug')).rejects.toThrow(/^slug:/);
      await expect(
        nb.setVirtualMachineStatus(1, 'running' as any),
      ).rejects.toThrow(/^status:/);
      await expect(
        nb.ensureIpAddress({ address: '10.0.0.1', interfaceId: 1 }),
      ).rejects.toThrow(/^address:/);
      await expect(
        nb.ensureIpAddress({
          address: '10.0.0.1/24',
          interfaceId: 1,
          dnsName: 'a`b',
        }),
      ).rejects.toThrow(/^dnsName:/);
      await expect(
        nb.createVirtualMachine({
          name: 'ok',
          clusterId: 1,
          customFields: { env: 'a\nb' },
        }),
      ).rejects.toThrow(/^customFields.env:/);
      await expect(
        nb.listVirtualMachines({ customField: { name: 'x y', value: 'v' } }),
      ).rejects.toThrow(/^customField.name:/);
      await expect(
        nb.createVirtualMachine({ name: 'ok', clusterId: 0 }),
      ).rejects.toThrow(/^clusterId:/);
      await expect(
        nb.createVirtualMachine({ name: 'ok', clusterId: 1, vcpus: 0 }),
      ).rejects.toThrow(/^vcpus:/);
      await expect(
        nb.createVirtualMachine({
          name: 'ok',
          clusterId: 1,
          tags: [{ name: 'a b', slug: 'ab' }],
        }),
      ).rejects.toThrow(/^tags\[0\]\.name:/);
      await expect(nb.deleteVirtualMachine(-1)).rejects.toThrow(/^id:/);
      expect(sim.requests).toEqual([]);
    });
  });

  it('wraps transport failures', async () => {
    const nb = new NetBoxClient({
      baseUrl: 'http://127.0.0.1:9',
      token: NETBOX_LAB_TOKEN_V2,
    });
    const err = await nb.getVirtualMachineById(1).catch(e => e);
    expect(err).toBeInstanceOf(UpstreamApiError);
    expect(err.status).toBeUndefined();
  });
});
