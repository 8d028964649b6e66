import {
  createExternalRouteRef,
  createRouteRef,
} from '@backstage/frontend-plugin-api';

/** The plugin's page. */
export const rootRouteRef = createRouteRef();

/** The Create wizard (the scaffolder), where the empty state sends people. */
export const createEnvironmentRouteRef = createExternalRouteRef({
  defaultTarget: 'scaffolder.root',
});
