import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DockerClient } from '@docker-env/plugin-docker-env-node';
import { NetBoxClient } from '@docker-env/plugin-docker-env-node';
import { PortainerClient } from '@docker-env/plugin-docker-env-node';
import { ProxmoxApiClient } from '@docker-env/plugin-docker-env-node';
import {
  routeStoreFromConfig,
  RouteWriter,
} from '@docker-env/plugin-docker-env-node';
import type { DockerChannel, LifecycleDeps } from './types';

/**
 * The environment's Docker channel as `dockerEnv.docker` configures it: Portainer's Docker proxy for the
 * environment's endpoint (the default), or the guest's address (`ssh`, `tcp`).
 *
 * @public
 */
export function dockerChannelFromConfig(config: Config): DockerChannel {
  const viaPortainer =
    (config.getOptionalString('dockerEnv.docker.kind') ?? 'portainer') ===
    'portainer';
  return ({ ip, endpointId }) => {
    if (viaPortainer && endpointId === undefined)
      throw new InputError(
        'endpointId: the environment has no Portainer endpoint recorded, so its Docker engine cannot be reached through Portainer',
      );
    return DockerClient.fromConfig(config, { host: ip, endpointId });
  };
}

/**
 * The production clients of `dockerEnv.*` as {@link LifecycleDeps}; the Docker channel from config unless given.
 *
 * @public
 */
export function lifecycleDepsFromConfig(
  config: Config,
  docker: DockerChannel = dockerChannelFromConfig(config),
): LifecycleDeps {
  return {
    proxmox: ProxmoxApiClient.fromConfig(config),
    portainer: PortainerClient.fromConfig(config),
    netbox: NetBoxClient.fromConfig(config),
    routes: new RouteWriter(routeStoreFromConfig(config)),
    docker,
  };
}
