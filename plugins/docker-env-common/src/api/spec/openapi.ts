import { alertPaths, alertSchemas } from './alerts';
import { auditPaths, auditSchemas } from './audit';
import { backupPaths } from './backups';
import { sharedSchemas } from './components';
import { containerPaths } from './containers';
import { extendEnvironmentOperation } from './expiry';
import { environmentPaths } from './environments';
import { deleteEnvironmentOperation, lifecyclePaths } from './lifecycle';
import { quotaPaths, quotaSchemas } from './quotas';
import { statusPaths } from './status';
import { deploymentPaths } from './deployments';
import { driftPaths, driftSchemas } from './drift';
import { teamPaths } from './teams';
import { usagePaths } from './usage';

/**
 * The plugin's HTTP API (OpenAPI 3.1), spec-first: the backend serves it with `createValidatedOpenApiRouter(spec)`,
 * and the client in `../../client` takes its routes and types from it (`./types.ts`). Each concern keeps its paths
 * (and schemas) in its own file beside this one; add one spread line per concern here.
 *
 * @public
 */
export const spec = {
  openapi: '3.1.0',
  info: {
    title: 'docker-env',
    version: '1',
    description: 'Self-service Docker environments.',
    license: { name: 'Apache-2.0' },
  },
  servers: [{ url: '/' }],
  components: {
    schemas: {
      ...sharedSchemas,
      ...quotaSchemas,
      ...auditSchemas,
      ...driftSchemas,
      ...alertSchemas,
    },
  },
  paths: {
    ...environmentPaths,
    '/environments/{name}': {
      ...environmentPaths['/environments/{name}'],
      delete: deleteEnvironmentOperation,
      patch: extendEnvironmentOperation,
    },
    ...lifecyclePaths,
    ...containerPaths,
    ...statusPaths,
    ...quotaPaths,
    ...auditPaths,
    ...deploymentPaths,
    ...driftPaths,
    ...backupPaths,
    ...usagePaths,
    ...alertPaths,
    ...teamPaths,
  },
} as const;

/**
 * The type of {@link spec}, for typed routers.
 *
 * @public
 */
export type DockerEnvApiSpec = typeof spec;
