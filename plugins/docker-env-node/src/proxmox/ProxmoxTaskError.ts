import { UpstreamApiError } from '../errors';

/**
 * A Proxmox task ended with an exit status other than `OK` / `WARNINGS: n`.
 *
 * @public
 */
export class ProxmoxTaskError extends UpstreamApiError {
  constructor(
    readonly upid: string,
    readonly taskType: string,
    /** The task's exitstatus, e.g. `startup for container '101' failed`. */
    readonly exitstatus: string,
  ) {
    super(`Proxmox task ${taskType} failed: ${exitstatus}`, {
      system: 'proxmox',
      reason: exitstatus,
      operation: `task ${taskType}`,
    });
  }
}
