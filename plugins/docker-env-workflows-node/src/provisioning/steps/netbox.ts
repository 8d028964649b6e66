import type { OperationStep, StepContext } from '../../operations';
import {
  MANAGED_BY,
  NETBOX_ENVIRONMENT_FIELD,
  OwnershipConflictError,
} from '@docker-env/plugin-docker-env-node';
import { isOurVirtualMachine } from '@docker-env/plugin-docker-env-node';
import { abortable, fact } from '../facts';
import type { ProvisioningConfig, ProvisioningDeps } from '../types';

/** Custom fields the VM carries besides the environment id. */
const FIELDS = [
  { name: 'proxmox_vmid', type: 'integer', label: 'Proxmox VMID' },
  { name: 'proxmox_node', type: 'text', label: 'Proxmox node' },
  { name: 'docker_env_owner', type: 'text', label: 'Owner' },
  { name: NETBOX_ENVIRONMENT_FIELD, type: 'text', label: 'Environment id' },
] as const;

async function cluster(
  deps: ProvisioningDeps,
  config: ProvisioningConfig,
  ctx: StepContext,
) {
  const type = await abortable(
    deps.netbox.ensureClusterType(config.netbox.clusterType, 'proxmox'),
    ctx.signal,
  );
  return abortable(
    deps.netbox.ensureCluster(config.netbox.cluster, type.id),
    ctx.signal,
  );
}

/**
 * `netbox`: the VM in the Proxmox cluster (custom fields vmid, node, owner, environment id; our
 * tag), its interface and its primary IPv4 address.
 *
 * @public
 */
export function netboxStep(
  deps: ProvisioningDeps,
  config: ProvisioningConfig,
): OperationStep {
  const { netbox } = deps;
  return {
    name: 'netbox',
    timeoutMs: config.timeouts.netbox,
    async run(ctx) {
      const t = ctx.target;
      const ip = fact<string>(ctx, 'ip', 'string');
      const prefix = fact<number>(ctx, 'ipPrefix', 'number');
      const { id: clusterId } = await cluster(deps, config, ctx);
      for (const f of FIELDS) {
        ctx.signal.throwIfAborted();
        await abortable(netbox.ensureCustomField({ ...f }), ctx.signal);
      }
      const tag = await abortable(
        netbox.ensureTag(MANAGED_BY, MANAGED_BY),
        ctx.signal,
      );
      const tags = [{ name: tag.name, slug: tag.slug }];
      ctx.signal.throwIfAborted();
      const { vm } = await abortable(
        netbox.upsertVirtualMachine(
          {
            name: t.name,
            clusterId,
            status: 'active',
            vcpus: t.cpuCores,
            memoryMb: t.memoryMb,
            diskMb: t.diskGb * 1024,
            tags,
            comments: `Docker environment ${t.name}, owner ${t.owner}`,
            customFields: {
              proxmox_vmid: fact<number>(ctx, 'vmid', 'number'),
              proxmox_node: fact<string>(ctx, 'node', 'string'),
              docker_env_owner: t.owner,
            },
          },
          { environmentId: t.environmentId },
        ),
        ctx.signal,
      );
      ctx.signal.throwIfAborted();
      const iface = await abortable(
        netbox.ensureInterface(vm.id, 'eth0', { tags }),
        ctx.signal,
      );
      ctx.signal.throwIfAborted();
      const address = await abortable(
        netbox.ensureIpAddress({
          address: `${ip}/${prefix}`,
          interfaceId: iface.id,
          dnsName: undefined,
          tags,
        }),
        ctx.signal,
      );
      if (vm.primaryIp4?.id !== address.id)
        await abortable(netbox.setPrimaryIp4(vm.id, address.id), ctx.signal);
      return { netboxVmId: vm.id };
    },
    holds: ({ target, facts }) => [
      `NetBox VM ${target.name}${
        typeof facts.netboxVmId === 'number' ? ` (id ${facts.netboxVmId})` : ''
      }`,
    ],
    async undo(ctx) {
      const { id: clusterId } = await cluster(deps, config, ctx);
      const vm = await abortable(
        netbox.getVirtualMachine(ctx.target.name, clusterId),
        ctx.signal,
      );
      if (!vm) return;
      if (!isOurVirtualMachine(vm, ctx.target.environmentId)) {
        ctx.logger.warn(
          `netbox undo: ${
            new OwnershipConflictError('NetBox', `VM "${vm.name}"`, 'not ours')
              .message
          }; left alone`,
        );
        return;
      }
      // interfaces and their addresses go with the VM
      await abortable(netbox.deleteVirtualMachine(vm.id), ctx.signal);
    },
  };
}
