import { UpstreamApiError } from '../errors';
import { OwnershipConflictError, assertEnvironmentId } from '../ownership';
import { assertIpv4 } from '../validation';
import { NetBoxHttp, type Json } from './NetBoxHttp';
import { isOurVirtualMachine, tagRefs, toIp, toVm } from './mapping';
import type {
  NetBoxIpAddress,
  NetBoxVirtualMachine,
  NetBoxVmInterface,
} from './types';
import {
  assertDnsName,
  assertId,
  assertIpv4Cidr,
  assertObjectName,
  assertText,
} from './validate';

/** The VM interfaces and IPv4 addresses of {@link NetBoxClient}: look before create, our VM's mark before a change. */
export abstract class NetBoxAddressing extends NetBoxHttp {
  abstract getVirtualMachineById(id: number): Promise<NetBoxVirtualMachine>;

  async ensureInterface(
    virtualMachineId: number,
    name: string,
    options: { tags?: Array<{ name: string; slug: string }> } = {},
  ): Promise<NetBoxVmInterface & { created: boolean }> {
    assertId(virtualMachineId, 'virtualMachineId');
    assertObjectName(name, 'name', 64);
    const tags = tagRefs(options.tags);
    const found = await this.listAll('/api/virtualization/interfaces/', {
      virtual_machine_id: virtualMachineId,
      name,
    });
    const i =
      found.find(x => x.name === name) ??
      (await this.request('POST', '/api/virtualization/interfaces/', {
        virtual_machine: virtualMachineId,
        name,
        ...(tags ? { tags } : {}),
      }));
    return {
      id: i.id,
      name: i.name,
      virtualMachineId: i.virtual_machine.id,
      created: !found.length,
    };
  }

  async ensureIpAddress(input: {
    address: string;
    interfaceId: number;
    dnsName?: string;
    description?: string;
    tags?: Array<{ name: string; slug: string }>;
  }): Promise<NetBoxIpAddress & { created: boolean }> {
    assertIpv4Cidr(input.address, 'address');
    assertId(input.interfaceId, 'interfaceId');
    if (input.dnsName !== undefined) assertDnsName(input.dnsName, 'dnsName');
    if (input.description !== undefined)
      assertText(input.description, 'description', 200);
    const tags = tagRefs(input.tags);
    const host = input.address.split('/')[0];
    const found = (
      await this.listAll('/api/ipam/ip-addresses/', { address: host })
    ).filter(ip => String(ip.address).split('/')[0] === host);
    const assigned = (ip: Json) =>
      ip.assigned_object_type === 'virtualization.vminterface' &&
      ip.assigned_object_id === input.interfaceId;
    const ours = found.find(assigned);
    if (ours) return { ...toIp(ours), created: false };
    if (found.length) {
      const other = found[0];
      throw new OwnershipConflictError(
        'NetBox',
        `IP address ${other.address} (id ${other.id})`,
        other.assigned_object_id
          ? `assigned to ${other.assigned_object_type} ${other.assigned_object_id}`
          : 'not assigned to our interface',
      );
    }
    const ip = await this.request('POST', '/api/ipam/ip-addresses/', {
      address: input.address,
      status: 'active',
      assigned_object_type: 'virtualization.vminterface',
      assigned_object_id: input.interfaceId,
      ...(input.dnsName !== undefined ? { dns_name: input.dnsName } : {}),
      ...(input.description !== undefined
        ? { description: input.description }
        : {}),
      ...(tags ? { tags } : {}),
    });
    return { ...toIp(ip), created: true };
  }

  async changePrimaryIp4(
    virtualMachineId: number,
    environmentId: string,
    ip: string,
  ): Promise<boolean> {
    assertIpv4(ip, 'ip');
    const primary = (
      await this.ourVirtualMachine(virtualMachineId, environmentId)
    ).primaryIp4;
    if (!primary) return false;
    const [address, prefix] = primary.address.split('/');
    if (address === ip) return false;
    await this.request('PATCH', `/api/ipam/ip-addresses/${primary.id}/`, {
      address: assertIpv4Cidr(`${ip}/${prefix ?? '32'}`, 'address'),
    });
    return true;
  }

  async releasePrimaryIp4(
    virtualMachineId: number,
    environmentId: string,
  ): Promise<boolean> {
    const primary = (
      await this.ourVirtualMachine(virtualMachineId, environmentId)
    ).primaryIp4;
    if (!primary) return false;
    try {
      await this.request('DELETE', `/api/ipam/ip-addresses/${primary.id}/`);
      return true;
    } catch (e) {
      if (e instanceof UpstreamApiError && e.status === 404) return false;
      throw e;
    }
  }

  /** VM `id` after checking it carries the environment id (our mark). */
  private async ourVirtualMachine(
    id: number,
    environmentId: string,
  ): Promise<NetBoxVirtualMachine> {
    assertEnvironmentId(environmentId);
    const vm = await this.getVirtualMachineById(id);
    if (!isOurVirtualMachine(vm, environmentId))
      throw new OwnershipConflictError(
        'NetBox',
        `VM ${vm.name} (id ${id})`,
        `it does not carry environment id ${environmentId}`,
      );
    return vm;
  }

  async setPrimaryIp4(
    virtualMachineId: number,
    ipAddressId: number,
  ): Promise<NetBoxVirtualMachine> {
    assertId(virtualMachineId, 'virtualMachineId');
    assertId(ipAddressId, 'ipAddressId');
    return toVm(
      await this.request(
        'PATCH',
        `/api/virtualization/virtual-machines/${virtualMachineId}/`,
        {
          primary_ip4: ipAddressId,
        },
      ),
    );
  }
}
