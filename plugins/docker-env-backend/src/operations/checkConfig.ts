import type { Config } from '@backstage/config';
import {
  NetBoxClient,
  PortainerClient,
  ProxmoxApiClient,
  TraefikRoutes,
  dockerConnectionFromConfig,
} from '@docker-env/plugin-docker-env-node';
import {
  readLifecycleConfig,
  readProvisioningConfig,
} from '@docker-env/plugin-docker-env-workflows-node';

/**
 * Reads every configured infrastructure section of `dockerEnv` once, at start-up, so a bad value stops the backend
 * with a `ConfigError` naming its key instead of failing the first operation. A section that is not configured at
 * all is left to the first operation that needs it (a portal without infrastructure config still starts and
 * answers the API; that operation fails at its plan, see `operationRegistryFromConfig`).
 */
export function checkInfrastructureConfig(config: Config): void {
  const has = (section: string) => config.has(`dockerEnv.${section}`);
  if (has('proxmox')) ProxmoxApiClient.fromConfig(config);
  if (has('netbox')) NetBoxClient.fromConfig(config);
  if (has('portainer')) PortainerClient.fromConfig(config);
  if (has('traefik')) TraefikRoutes.fromConfig(config);
  // the guest's address and endpoint come with each environment: any will do to check the section
  if (has('docker'))
    dockerConnectionFromConfig(config, { host: '127.0.0.1', endpointId: 1 });
  if (has('provisioning')) readProvisioningConfig(config);
  if (has('lifecycle')) readLifecycleConfig(config);
}
