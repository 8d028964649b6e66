import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { RiServerLine } from '@remixicon/react';
import { DockerEnvClient, dockerEnvApiRef } from './api';
import { rootRouteRef } from './routes';

const dockerEnvApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: dockerEnvApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DockerEnvClient({ discoveryApi, fetchApi }),
    }),
});

const dockerEnvPage = PageBlueprint.make({
  params: {
    path: '/docker-env',
    title: 'Docker environments',
    icon: <RiServerLine />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/DockerEnvPage').then(m => <m.DockerEnvPage />),
  },
});

/**
 * The docker-env frontend plugin.
 *
 * @public
 */
export const dockerEnvPlugin = createFrontendPlugin({
  pluginId: 'docker-env',
  title: 'Docker environments',
  icon: <RiServerLine />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [dockerEnvApi, dockerEnvPage],
});
