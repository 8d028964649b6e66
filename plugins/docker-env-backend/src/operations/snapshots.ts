import type { Config } from '@backstage/config';
import {
  listEnvironmentSnapshots,
  ProxmoxApiClient,
  type LxcSnapshot,
} from '@docker-env/plugin-docker-env-node';

/**
 * The snapshot list the API answers with, through the Proxmox client of `dockerEnv.proxmox`, built on first use
 * (like the runner's registry) so a backend with incomplete infrastructure config still starts.
 */
export function snapshotListFromConfig(config: Config): {
  list(vmid: number): Promise<LxcSnapshot[]>;
} {
  let proxmox: ProxmoxApiClient | undefined;
  return {
    list: vmid => {
      proxmox ??= ProxmoxApiClient.fromConfig(config);
      return listEnvironmentSnapshots(proxmox, vmid);
    },
  };
}
