import type { Config } from '@backstage/config';
import { dockerChannelFromConfig } from '../lifecycle/deps';
import type { DockerChannel } from '../lifecycle/types';
import { TraefikRoutes } from '@docker-env/plugin-docker-env-node';
import type { RolloutDeps } from './types';

/**
 * The production clients of `dockerEnv.*` as {@link RolloutDeps}; the Docker channel from config unless given.
 *
 * @public
 */
export function rolloutDepsFromConfig(
  config: Config,
  docker: DockerChannel = dockerChannelFromConfig(config),
): RolloutDeps {
  return { docker, routes: TraefikRoutes.fromConfig(config) };
}
