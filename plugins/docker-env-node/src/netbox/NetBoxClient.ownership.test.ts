import { OwnershipConflictError } from '../ownership';
import { netboxHarness } from '@docker-env/lab-testing/clients/netboxHarness';

/** NetBox objects carry our mark (the environment id custom field): a stranger's is refused, never adopted or changed. */
describe('NetBoxClient ownership', () => {
  const h = netboxHarness();

  it('refuses a same-named VM and an address that are not ours, and adopts its own', async () => {
    const nb = h.client();
    const { cluster } = await h.setup(nb);
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
    expect(h.sim.state.ipAddresses).toHaveLength(1);
    expect(h.sim.state.ipAddresses[0].assigned_object_id).toBe(theirIf.id);
  });

  it('moves and releases the primary address of our VM only', async () => {
    const nb = h.client();
    const { cluster } = await h.setup(nb);
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
    expect(h.sent.at(-1)).toMatchObject({
      method: 'PATCH',
      path: `/api/ipam/ip-addresses/${mine.addr.id}/`,
      body: { address: '10.1.0.9/24' },
    });
    expect((await nb.getVirtualMachineById(mine.vm.id)).primaryIp4).toEqual({
      id: mine.addr.id,
      address: '10.1.0.9/24',
    });
    const writes = h.sent.length;
    expect(await nb.changePrimaryIp4(mine.vm.id, 'env-1', '10.1.0.9')).toBe(
      false,
    );
    expect(h.sent.slice(writes).every(r => r.method === 'GET')).toBe(true);

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
    expect(h.sim.state.ipAddresses.map(i => i.id)).toEqual([theirs.addr.id]);
  });
});
