import { createApiRef } from '@backstage/frontend-plugin-api';

/** What `GET /health` of the backend plugin answers. */
export interface DockerEnvHealth {
  status: string;
}

/** The browser's view of the docker-env backend plugin. */
export interface DockerEnvApi {
  getHealth(): Promise<DockerEnvHealth>;
}

/** API reference for {@link DockerEnvApi}. */
export const dockerEnvApiRef = createApiRef<DockerEnvApi>().with({
  id: 'plugin.docker-env.api',
});
