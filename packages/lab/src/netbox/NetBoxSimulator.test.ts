import { NETBOX_LAB_TOKEN_V1, NetBoxSimulator } from './NetBoxSimulator';
import { netboxContractValidator } from '../contracts';
import { NETBOX_TEST_AUTH, netboxTestCall } from './testing';

describe('NetBoxSimulator', () => {
  let sim: NetBoxSimulator;
  const contract = netboxContractValidator({ withDocumentedGaps: true });
  const call = netboxTestCall(() => sim.url);

  beforeEach(async () => {
    sim = await NetBoxSimulator.start({ latencyScale: 0 });
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('refuses missing and bad tokens with 403 detail, accepts v1 and v2', async () => {
    expect(
      await call('GET', '/api/status/', undefined, {} as any),
    ).toMatchObject({
      status: 403,
      body: { detail: 'Authentication credentials were not provided.' },
    });
    expect(
      await call('GET', '/api/status/', undefined, {
        Authorization: 'Bearer nbt_x.y',
      }),
    ).toMatchObject({ status: 403, body: { detail: 'Invalid v2 token' } });
    expect(
      await call('GET', '/api/status/', undefined, {
        Authorization: 'Token nope',
      }),
    ).toMatchObject({
      status: 403,
      body: { detail: 'Invalid v1 token' },
    });
    const ok = await call('GET', '/api/status/', undefined, {
      Authorization: `Token ${NETBOX_LAB_TOKEN_V1}`,
    });
    expect(ok.status).toBe(200);
    expect(ok.type).toBe('application/json');
    expect(ok.body['netbox-version']).toMatch(/^4\.5/);
  });

  it('serves objects that validate against the contract schemas', async () => {
    const type = await call('POST', '/api/virtualization/cluster-types/', {
      name: 'Proxmox',
      slug: 'proxmox',
    });
    expect(type.status).toBe(201);
    expect(contract.validate('ClusterType', type.body)).toEqual([]);
    const cluster = await call('POST', '/api/virtualization/clusters/', {
      name: 'pve',
      type: type.body.id,
    });
    expect(contract.validate('Cluster', cluster.body)).toEqual([]);
    const cf = await call('POST', '/api/extras/custom-fields/', {
      name: 'env_id',
      type: 'text',
      object_types: ['virtualization.virtualmachine'],
    });
    expect(cf.status).toBe(201);
    expect(contract.validate('CustomField', cf.body)).toEqual([]);
    const tag = await call('POST', '/api/extras/tags/', {
      name: 'docker-env',
      slug: 'docker-env',
    });
    expect(contract.validate('Tag', tag.body)).toEqual([]);
    const vm = await call('POST', '/api/virtualization/virtual-machines/', {
      name: 'dev-alice',
      cluster: cluster.body.id,
      status: 'planned',
      vcpus: 2,
      memory: 2048,
      disk: 8192,
      tenant: 1,
      role: 1,
      tags: [{ name: 'docker-env', slug: 'docker-env' }],
      custom_fields: { env_id: 'e-1' },
    });
    expect(vm.status).toBe(201);
    expect(vm.body.status).toEqual({ value: 'planned', label: 'Planned' });
    expect(
      contract.validate('VirtualMachineWithConfigContext', vm.body),
    ).toEqual([]);
    const iface = await call('POST', '/api/virtualization/interfaces/', {
      virtual_machine: vm.body.id,
      name: 'eth0',
    });
    expect(contract.validate('VMInterface', iface.body)).toEqual([]);
    const ip = await call('POST', '/api/ipam/ip-addresses/', {
      address: '10.0.0.5/24',
      assigned_object_type: 'virtualization.vminterface',
      assigned_object_id: iface.body.id,
    });
    expect(contract.validate('IPAddress', ip.body)).toEqual([]);
    const patched = await call(
      'PATCH',
      `/api/virtualization/virtual-machines/${vm.body.id}/`,
      {
        primary_ip4: ip.body.id,
      },
    );
    expect(patched.body.primary_ip4.address).toBe('10.0.0.5/24');
    expect(
      contract.validate('VirtualMachineWithConfigContext', patched.body),
    ).toEqual([]);
    const list = await call(
      'GET',
      '/api/virtualization/virtual-machines/?cf_env_id=e-1&tag=docker-env',
    );
    expect(list.body.count).toBe(1);
    expect(
      contract.validate(
        'PaginatedVirtualMachineWithConfigContextList',
        list.body,
      ),
    ).toEqual([]);
    for (const [path, schema] of [
      ['/api/virtualization/interfaces/', 'PaginatedVMInterfaceList'],
      ['/api/ipam/ip-addresses/', 'PaginatedIPAddressList'],
      ['/api/virtualization/clusters/', 'PaginatedClusterList'],
      ['/api/virtualization/cluster-types/', 'PaginatedClusterTypeList'],
      ['/api/extras/custom-fields/', 'PaginatedCustomFieldList'],
      ['/api/extras/tags/', 'PaginatedTagList'],
    ]) {
      const page = await call('GET', path);
      expect(contract.validate(schema, page.body)).toEqual([]);
    }
  });

  it('answers NetBox errors: unique name per cluster, field errors, 404, bad filter', async () => {
    const type = await call('POST', '/api/virtualization/cluster-types/', {
      name: 'Proxmox',
      slug: 'proxmox',
    });
    const cluster = await call('POST', '/api/virtualization/clusters/', {
      name: 'pve',
      type: type.body.id,
    });
    const body = { name: 'dev-a', cluster: cluster.body.id };
    expect(
      (await call('POST', '/api/virtualization/virtual-machines/', body))
        .status,
    ).toBe(201);
    expect(
      await call('POST', '/api/virtualization/virtual-machines/', {
        ...body,
        name: 'DEV-A',
      }),
    ).toMatchObject({
      status: 400,
      body: { __all__: ['Virtual machine name must be unique per cluster.'] },
    });
    expect(
      await call('POST', '/api/virtualization/virtual-machines/', {
        cluster: 99,
        status: 'bogus',
      }),
    ).toMatchObject({
      status: 400,
      body: {
        name: ['This field is required.'],
        status: ['"bogus" is not a valid choice.'],
        cluster: ['Related object not found using the provided numeric ID: 99'],
      },
    });
    expect(
      await call('POST', '/api/virtualization/virtual-machines/', {
        ...body,
        name: 'x',
        custom_fields: { nope: 1 },
      }),
    ).toMatchObject({
      status: 400,
      body: {
        custom_fields: {
          nope: "Custom field 'nope' does not exist for this object type.",
        },
      },
    });
    expect(
      await call('GET', '/api/virtualization/virtual-machines/999/'),
    ).toMatchObject({
      status: 404,
      body: { detail: 'No VirtualMachine matches the given query.' },
    });
    expect(
      await call('GET', '/api/virtualization/virtual-machines/?status=nope'),
    ).toMatchObject({
      status: 400,
      body: {
        status: [
          'Select a valid choice. nope is not one of the available choices.',
        ],
      },
    });
    const vm = (
      await call('GET', '/api/virtualization/virtual-machines/?name=dev-a')
    ).body.results[0];
    await call('POST', '/api/virtualization/interfaces/', {
      virtual_machine: vm.id,
      name: 'eth0',
    });
    expect(
      await call('POST', '/api/virtualization/interfaces/', {
        virtual_machine: vm.id,
        name: 'eth0',
      }),
    ).toMatchObject({
      status: 400,
      body: {
        non_field_errors: [
          'The fields virtual_machine, name must make a unique set.',
        ],
      },
    });
    expect(
      (await call('DELETE', `/api/virtualization/clusters/${cluster.body.id}/`))
        .status,
    ).toBe(409);
    expect(
      (await call('DELETE', `/api/virtualization/virtual-machines/${vm.id}/`))
        .status,
    ).toBe(204);
    expect(sim.state.interfaces).toEqual([]);
  });

  it('paginates with limit/offset and absolute next/previous links', async () => {
    const type = await call('POST', '/api/virtualization/cluster-types/', {
      name: 'Proxmox',
      slug: 'proxmox',
    });
    const cluster = await call('POST', '/api/virtualization/clusters/', {
      name: 'pve',
      type: type.body.id,
    });
    for (let i = 0; i < 5; i++) {
      await call('POST', '/api/virtualization/virtual-machines/', {
        name: `vm-${i}`,
        cluster: cluster.body.id,
      });
    }
    const p1 = await call(
      'GET',
      `/api/virtualization/virtual-machines/?cluster_id=${cluster.body.id}&limit=2`,
    );
    expect(p1.body.count).toBe(5);
    expect(p1.body.previous).toBeNull();
    expect(p1.body.next).toBe(
      `${sim.url}/api/virtualization/virtual-machines/?cluster_id=${cluster.body.id}&limit=2&offset=2`,
    );
    const p3 = await call(
      'GET',
      `${new URL(p1.body.next).pathname}?cluster_id=1&limit=2&offset=4`,
    );
    expect(p3.body.results.map((v: any) => v.name)).toEqual(['vm-4']);
    expect(p3.body.next).toBeNull();
    expect(p3.body.previous).toContain('offset=2');
  });

  it('applies injected faults and exposes state', async () => {
    sim.control.injectFault({
      operation: 'netbox.vm.list',
      action: {
        kind: 'fail',
        status: 503,
        reason: 'Service Unavailable',
        body: { detail: 'down' },
      },
    });
    const res = await fetch(`${sim.url}/api/virtualization/virtual-machines/`, {
      headers: NETBOX_TEST_AUTH,
    });
    expect(res.status).toBe(503);
    expect(res.statusText).toBe('Service Unavailable');
    const state = await (await fetch(`${sim.url}/_lab/state`)).json();
    expect(state.tenants[0].slug).toBe('platform');
  });
});
