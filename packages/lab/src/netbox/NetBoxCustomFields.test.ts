import { netboxContractValidator } from '../contracts';
import { NetBoxSimulator } from './NetBoxSimulator';
import { netboxTestCall } from './testing';

describe('NetBoxSimulator: custom fields on every object type', () => {
  let sim: NetBoxSimulator;
  const contract = netboxContractValidator({ withDocumentedGaps: true });
  const call = netboxTestCall(() => sim.url);

  beforeEach(async () => {
    sim = await NetBoxSimulator.start({ latencyScale: 0 });
  });
  afterEach(() => sim.stop());

  it('accepts any object type with the custom_fields feature and refuses others', async () => {
    const ok = await call('POST', '/api/extras/custom-fields/', {
      name: 'owner',
      type: 'text',
      object_types: ['dcim.device', 'tenancy.tenant', 'ipam.prefix'],
    });
    expect(ok.status).toBe(201);
    const bad = await call('POST', '/api/extras/custom-fields/', {
      name: 'nope',
      type: 'text',
      object_types: ['extras.tag'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.object_types[0]).toMatch(/extras\.tag/);
  });

  it('stores, renders, filters and requires custom fields on cluster types, clusters, interfaces and IP addresses', async () => {
    const cf = await call('POST', '/api/extras/custom-fields/', {
      name: 'env_id',
      type: 'text',
      object_types: [
        'virtualization.clustertype',
        'virtualization.cluster',
        'virtualization.vminterface',
        'ipam.ipaddress',
        'virtualization.virtualmachine',
      ],
    });
    expect(cf.status).toBe(201);
    await call('POST', '/api/extras/custom-fields/', {
      name: 'vm_only',
      type: 'integer',
      object_types: ['virtualization.virtualmachine'],
    });
    const type = await call('POST', '/api/virtualization/cluster-types/', {
      name: 'Proxmox',
      slug: 'proxmox',
      custom_fields: { env_id: 't-1' },
    });
    expect(type.status).toBe(201);
    expect(type.body.custom_fields).toEqual({ env_id: 't-1' });
    expect(contract.validate('ClusterType', type.body)).toEqual([]);
    const cluster = await call('POST', '/api/virtualization/clusters/', {
      name: 'pve',
      type: type.body.id,
    });
    expect(cluster.body.custom_fields).toEqual({ env_id: null });
    const wrong = await call(
      'PATCH',
      `/api/virtualization/clusters/${cluster.body.id}/`,
      { custom_fields: { vm_only: 3 } },
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.custom_fields.vm_only).toMatch(/does not exist/);
    const typed = await call(
      'PATCH',
      `/api/virtualization/clusters/${cluster.body.id}/`,
      { custom_fields: { env_id: 5 } },
    );
    expect(typed.status).toBe(400);
    const patched = await call(
      'PATCH',
      `/api/virtualization/clusters/${cluster.body.id}/`,
      { custom_fields: { env_id: 'c-1' } },
    );
    expect(patched.body.custom_fields).toEqual({ env_id: 'c-1' });
    expect(contract.validate('Cluster', patched.body)).toEqual([]);

    const vm = await call('POST', '/api/virtualization/virtual-machines/', {
      name: 'dev-alice',
      cluster: cluster.body.id,
      custom_fields: { env_id: 'e-1', vm_only: 2 },
    });
    expect(vm.body.custom_fields).toEqual({ env_id: 'e-1', vm_only: 2 });
    const iface = await call('POST', '/api/virtualization/interfaces/', {
      virtual_machine: vm.body.id,
      name: 'eth0',
      custom_fields: { env_id: 'e-1' },
    });
    expect(iface.body.custom_fields).toEqual({ env_id: 'e-1' });
    expect(contract.validate('VMInterface', iface.body)).toEqual([]);
    const ip = await call('POST', '/api/ipam/ip-addresses/', {
      address: '10.0.0.5/24',
      custom_fields: { env_id: 'e-1' },
    });
    expect(ip.body.custom_fields).toEqual({ env_id: 'e-1' });
    expect(contract.validate('IPAddress', ip.body)).toEqual([]);
    await call('POST', '/api/ipam/ip-addresses/', { address: '10.0.0.6/24' });
    const filtered = await call('GET', '/api/ipam/ip-addresses/?cf_env_id=e-1');
    expect(filtered.body.results.map((i: any) => i.address)).toEqual([
      '10.0.0.5/24',
    ]);

    await call('PATCH', `/api/extras/custom-fields/${cf.body.id}/`, {
      required: true,
    });
    const missing = await call('POST', '/api/ipam/ip-addresses/', {
      address: '10.0.0.7/24',
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      custom_fields: ['Required field cannot be empty.'],
    });

    expect(
      (await call('DELETE', `/api/extras/custom-fields/${cf.body.id}/`)).status,
    ).toBe(204);
    const after = await call('GET', `/api/ipam/ip-addresses/${ip.body.id}/`);
    expect(after.body.custom_fields).toEqual({});
  });
});
