import type { Config } from '@backstage/config';
import { NetBoxClient } from '../netbox';
import { PortainerClient } from '../portainer';
import { ProxmoxApiClient } from '../proxmox';
import { routeStoreFromConfig } from '../traefik';
import { NetBoxIpAddresses } from './extras/NetBoxIpAddresses';
import { PortainerEndpointUrls } from './extras/PortainerEndpointUrls';
import { ProxmoxBackups } from './extras/ProxmoxBackups';
import type { DockerChannel, LifecycleDeps } from './types';

/**
 * The production clients of `dockerEnv.*` as {@link LifecycleDeps}. The Docker channel is the caller's choice
 * (Portainer's Docker proxy by default in the backend, the guest's engine directly where Portainer is not wanted).
 */
export function lifecycleDepsFromConfig(
  config: Config,
  docker: DockerChannel,
): LifecycleDeps {
  return {
    proxmox: ProxmoxApiClient.fromConfig(config),
    backups: ProxmoxBackups.fromConfig(config),
    portainer: PortainerClient.fromConfig(config),
    portainerEndpoints: PortainerEndpointUrls.fromConfig(config),
    netbox: NetBoxClient.fromConfig(config),
    netboxAddresses: NetBoxIpAddresses.fromConfig(config),
    routes: routeStoreFromConfig(config),
    docker,
  };
}
