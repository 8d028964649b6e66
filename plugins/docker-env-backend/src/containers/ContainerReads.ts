import type { Config } from '@backstage/config';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { UpstreamApiError } from '@docker-env/plugin-docker-env-node';
import {
  dockerChannelFromConfig,
  listEnvironmentContainers,
  readContainerLogs,
  type ContainerLogRead,
  type DockerChannel,
  type EnvironmentContainer,
} from '@docker-env/plugin-docker-env-workflows-node';

/** Where an environment's Docker engine is: its current address and Portainer endpoint (recorded facts). */
export interface DockerLocation {
  ip: string;
  endpointId?: number;
}

/** The containers read model of the API: list and bounded, redacted logs through the environment's Docker channel. */
export interface ContainerReads {
  list(at: DockerLocation): Promise<EnvironmentContainer[]>;
  logs(
    at: DockerLocation,
    container: string,
    tail: number | undefined,
  ): Promise<ContainerLogRead>;
}

/** Docker's 404 (no such container) as the API's 404; any other upstream failure as 503 naming Docker. */
async function translated<T>(what: string, call: () => Promise<T>) {
  try {
    return await call();
  } catch (error) {
    if (error instanceof UpstreamApiError) {
      if (error.isNotFound) throw new NotFoundError(`${what} does not exist`);
      throw new ServiceUnavailableError(
        `docker: ${what} could not be read: ${error.message}`,
      );
    }
    throw error;
  }
}

/**
 * The {@link ContainerReads} over `dockerEnv.docker` (Portainer's Docker proxy by default); the channel is built on
 * first use so a backend with incomplete infrastructure config still starts.
 */
export function containerReadsFromConfig(
  config: Config,
  channel?: DockerChannel,
): ContainerReads {
  let docker: DockerChannel | undefined = channel;
  const at = (location: DockerLocation) => {
    docker ??= dockerChannelFromConfig(config);
    return docker(location);
  };
  return {
    list: location =>
      translated('the containers', () =>
        listEnvironmentContainers(at(location)),
      ),
    logs: (location, container, tail) =>
      translated(`container "${container}"`, () =>
        readContainerLogs(at(location), container, { tail }),
      ),
  };
}
