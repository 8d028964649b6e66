import type { OperationStep } from '../../operations';
import { abortable, fact } from '../facts';
import type { ProvisioningConfig, ProvisioningDeps } from '../types';
import { ctDescription, ctHeld, lxcStep, settle } from './lxc';

/**
 * `restore`: restores the backup archive of fact `backupVolid` into a new CT (fresh id, new MACs) with the
 * environment's hostname, tags and description mark, so it is ours from its first moment; a rerun adopts it. Undone
 * like `lxc` (stopped and destroyed when it carries our mark).
 */
export function restoreStep(
  deps: ProvisioningDeps,
  config: ProvisioningConfig,
): OperationStep {
  return {
    name: 'restore',
    timeoutMs: config.timeouts.lxc,
    async run(ctx) {
      const result = await abortable(
        deps.proxmox.restoreFromBackup({
          volid: fact<string>(ctx, 'backupVolid', 'string'),
          hostname: ctx.target.name,
          environmentId: ctx.target.environmentId,
          description: ctDescription(ctx),
        }),
        ctx.signal,
      );
      ctx.logger.info(
        `restore: CT ${result.vmid} on ${result.node} ${
          result.existing ? 'found (ours)' : 'restored'
        }`,
      );
      await settle(deps.proxmox, result, ctx, config.pollIntervalMs);
      return { vmid: result.vmid, node: result.node };
    },
    undo: lxcStep(deps, config).undo,
    holds: ctHeld,
  };
}
