import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { RiServerLine } from '@remixicon/react';
import { DockerEnvApiClient } from '@docker-env/plugin-docker-env-common';
import { dockerEnvApiRef } from './api';
import { isDockerEnvironment } from './components/entity/isDockerEnvironment';
import { createEnvironmentRouteRef, rootRouteRef } from './routes';

const dockerEnvApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: dockerEnvApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      // the one client of the API (common library); fetchApi adds the user's token
      factory: ({ discoveryApi, fetchApi }) =>
        new DockerEnvApiClient({ discoveryApi, fetchApi }),
    }),
});

// The nav item shows the page title: "Environments" fits the sidebar, the header says the rest.
const dockerEnvPage = PageBlueprint.make({
  params: {
    path: '/docker-env',
    title: 'Environments',
    icon: <RiServerLine />,
    routeRef: rootRouteRef,
    noHeader: true,
    loader: () =>
      import('./components/DockerEnvRoot').then(m => <m.DockerEnvRoot />),
  },
});

const overviewCard = EntityCardBlueprint.make({
  name: 'overview',
  params: {
    filter: isDockerEnvironment,
    type: 'content',
    loader: () =>
      import('./components/entity/EnvironmentOverviewCard').then(m => (
        <m.EnvironmentOverviewCard />
      )),
  },
});

const containersContent = EntityContentBlueprint.make({
  name: 'containers',
  params: {
    path: 'containers',
    title: 'Containers',
    filter: isDockerEnvironment,
    loader: () =>
      import('./components/entity/ContainersContent').then(m => (
        <m.ContainersContent />
      )),
  },
});

const usageContent = EntityContentBlueprint.make({
  name: 'usage',
  params: {
    path: 'usage',
    title: 'Usage',
    filter: isDockerEnvironment,
    loader: () =>
      import('./components/entity/usage/UsageContent').then(m => (
        <m.UsageContent />
      )),
  },
});

const snapshotsContent = EntityContentBlueprint.make({
  name: 'snapshots',
  params: {
    path: 'snapshots',
    title: 'Snapshots',
    filter: isDockerEnvironment,
    loader: () =>
      import('./components/entity/SnapshotsContent').then(m => (
        <m.SnapshotsContent />
      )),
  },
});

const activityContent = EntityContentBlueprint.make({
  name: 'activity',
  params: {
    path: 'activity',
    title: 'Activity',
    filter: isDockerEnvironment,
    loader: () =>
      import('./components/entity/ActivityContent').then(m => (
        <m.ActivityContent />
      )),
  },
});

const deployTokensContent = EntityContentBlueprint.make({
  name: 'deploy-tokens',
  params: {
    path: 'deploy-tokens',
    title: 'Deploy tokens',
    filter: isDockerEnvironment,
    loader: () =>
      import('./components/entity/DeployTokensContent').then(m => (
        <m.DeployTokensContent />
      )),
  },
});

const deploymentsContent = EntityContentBlueprint.make({
  name: 'deployments',
  params: {
    path: 'deployments',
    title: 'Deployments',
    filter: isDockerEnvironment,
    loader: () =>
      import('./components/entity/DeploymentsContent').then(m => (
        <m.DeploymentsContent />
      )),
  },
});

const formField = (name: string, key: keyof typeof import('./fields')) =>
  FormFieldBlueprint.make({
    name,
    params: { field: () => import('./fields').then(m => m[key]) },
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
  externalRoutes: { createEnvironment: createEnvironmentRouteRef },
  extensions: [
    dockerEnvApi,
    dockerEnvPage,
    overviewCard,
    containersContent,
    usageContent,
    snapshotsContent,
    activityContent,
    deployTokensContent,
    deploymentsContent,
    formField('name', 'DockerEnvNameFormField'),
    formField('owner', 'DockerEnvOwnerFormField'),
    formField('size', 'DockerEnvSizeFormField'),
    formField('expiry', 'DockerEnvExpiryFormField'),
    formField('quota-headroom', 'DockerEnvQuotaHeadroomFormField'),
  ],
});
