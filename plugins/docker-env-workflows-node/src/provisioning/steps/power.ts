import type { OperationStep } from '../../operations';
import { abortable, fact, taskBackoff } from '../facts';
import type { ProvisioningConfig, ProvisioningDeps } from '../types';

/** `start`: starts the CT unless it already runs. Nothing to undo: `lxc`'s undo stops and destroys it. */
export function startStep(
  deps: ProvisioningDeps,
  config: ProvisioningConfig,
): OperationStep {
  return {
    name: 'start',
    timeoutMs: config.timeouts.start,
    async run(ctx) {
      const ct = deps.proxmox.forNode(fact<string>(ctx, 'node', 'string'));
      const vmid = fact<number>(ctx, 'vmid', 'number');
      const status = await abortable(ct.getStatus(vmid), ctx.signal);
      if (status.status === 'running') return;
      const upid = await abortable(ct.start(vmid), ctx.signal);
      await ct.waitForTask(upid, {
        signal: ctx.signal,
        backoff: taskBackoff(config.pollIntervalMs),
      });
    },
  };
}

/** `ip`: waits for the CT's IPv4 address on eth0 (DHCP) and records it with its prefix. */
export function ipStep(
  deps: ProvisioningDeps,
  config: ProvisioningConfig,
): OperationStep {
  return {
    name: 'ip',
    timeoutMs: config.timeouts.ip,
    async run(ctx) {
      const ct = deps.proxmox.forNode(fact<string>(ctx, 'node', 'string'));
      const vmid = fact<number>(ctx, 'vmid', 'number');
      const ip = await ct.waitForIp(vmid, {
        signal: ctx.signal,
        intervalMs: config.pollIntervalMs,
        timeoutMs: config.timeouts.ip,
      });
      const ifaces = await abortable(ct.getInterfaces(vmid), ctx.signal);
      const prefix =
        ifaces
          ?.find(i => i.name === 'eth0')
          ?.addresses.find(a => a.address === ip)?.prefix ?? 32;
      return { ip, ipPrefix: prefix };
    },
  };
}
