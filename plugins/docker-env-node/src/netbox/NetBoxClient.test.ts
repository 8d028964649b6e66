import { ConfigReader } from '@backstage/config';
import { NETBOX_LAB_TOKEN_V1, NETBOX_LAB_TOKEN_V2 } from '@docker-env/lab';
import { UpstreamApiError } from '../errors';
import { NetBoxClient } from './NetBoxClient';
import { netboxHarness } from '@docker-env/lab-testing/clients/netboxHarness';
import { flattenErrors } from './mapping';

describe('NetBoxClient against the NetBox simulator', () => {
  const h = netboxHarness();

  it('reads config and sends the v2 Bearer or the v1 Token header', async () => {
    const v2 = NetBoxClient.fromConfig(
      new ConfigReader({
        dockerEnv: {
          netbox: {
            baseUrl: h.sim.url,
            allowInsecure: true,
            token: NETBOX_LAB_TOKEN_V2,
          },
        },
      }),
      { fetch: h.recordingFetch },
    );
    await v2.ensureClusterType('Proxmox', 'proxmox');
    expect(h.sent[0].auth).toBe(`Bearer ${NETBOX_LAB_TOKEN_V2}`);
    const v1 = NetBoxClient.fromConfig(
      new ConfigReader({
        dockerEnv: {
          netbox: {
            baseUrl: h.sim.url,
            allowInsecure: true,
            token: NETBOX_LAB_TOKEN_V1,
            tokenVersion: 'v1',
          },
        },
      }),
      { fetch: h.recordingFetch },
    );
    await v1.ensureClusterType('Proxmox', 'proxmox');
    expect(h.sent[h.sent.length - 1].auth).toBe(`Token ${NETBOX_LAB_TOKEN_V1}`);
    expect(h.sim.state.clusterTypes).toHaveLength(1);
  });

  it('maps a bad token to UpstreamApiError 403 with the detail', async () => {
    const nb = h.client('nbt_wrong0000001.abcdef0123456789');
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
    const nb = h.client();
    const { cluster, tag } = await h.setup(nb);
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
    expect(h.sim.state.virtualMachines).toHaveLength(1);

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
    expect(h.sim.state.interfaces).toHaveLength(1);
    expect(h.sim.state.ipAddresses).toHaveLength(1);
    const withIp = await nb.setPrimaryIp4(first.vm.id, ip.id);
    expect(withIp.primaryIp4).toEqual({ id: ip.id, address: '10.10.0.101/24' });

    await nb.deleteVirtualMachine(first.vm.id);
    expect(h.sim.state.virtualMachines).toEqual([]);
    const gone = await nb.getVirtualMachineById(first.vm.id).catch(e => e);
    expect(gone).toMatchObject({ status: 404, isNotFound: true });
  });

  it('follows next over several pages', async () => {
    const nb = h.client(NETBOX_LAB_TOKEN_V2, { pageSize: 2 });
    const { cluster } = await h.setup(nb);
    for (let i = 0; i < 5; i++)
      await nb.createVirtualMachine({ name: `vm-${i}`, clusterId: cluster.id });
    h.sent.length = 0;
    const all = await nb.listVirtualMachines({ clusterId: cluster.id });
    expect(all.map(v => v.name)).toEqual([
      'vm-0',
      'vm-1',
      'vm-2',
      'vm-3',
      'vm-4',
    ]);
    expect(h.sent.filter(s => s.method === 'GET')).toHaveLength(3);
  });

  it('sends a next link that names another scheme or host to the configured server only', async () => {
    const seen: string[] = [];
    const rewrite =
      (target: string): typeof fetch =>
      async (input, init) => {
        seen.push(String(input));
        const res = await h.recordingFetch(input, init);
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
    const setupClient = h.client(NETBOX_LAB_TOKEN_V2, { pageSize: 2 });
    const { cluster } = await h.setup(setupClient);
    for (let i = 0; i < 3; i++)
      await setupClient.createVirtualMachine({
        name: `vm-${i}`,
        clusterId: cluster.id,
      });

    const proxied = h.client(NETBOX_LAB_TOKEN_V2, {
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
        u.startsWith(`${h.sim.url}/api/virtualization/virtual-machines/?`),
      ),
    ).toBe(true);
    expect(seen[1]).toContain('offset=2');

    const elsewhere = h.client(NETBOX_LAB_TOKEN_V2, {
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
    const nb = h.client();
    const { cluster } = await h.setup(nb);
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
    const nb = h.client();
    const { cluster } = await h.setup(nb);
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
    expect(h.sim.state.virtualMachines).toHaveLength(1);
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
