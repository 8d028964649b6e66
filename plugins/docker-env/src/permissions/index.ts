import {
  createPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

// TODO(core merge): these mirror design.md's permissions until docker-env-common exports them.

/** Resource type of an environment in the permission framework. */
export const DOCKER_ENVIRONMENT_RESOURCE_TYPE = 'docker-environment';

/** Change an environment: pause, resume, snapshots, extend. */
export const environmentUpdatePermission: ResourcePermission<'docker-environment'> =
  createPermission({
    name: 'docker-env.environment.update',
    attributes: { action: 'update' },
    resourceType: DOCKER_ENVIRONMENT_RESOURCE_TYPE,
  });

/** Delete an environment. */
export const environmentDeletePermission: ResourcePermission<'docker-environment'> =
  createPermission({
    name: 'docker-env.environment.delete',
    attributes: { action: 'delete' },
    resourceType: DOCKER_ENVIRONMENT_RESOURCE_TYPE,
  });

/** Quotas, approvals and the platform status. */
export const dockerEnvAdminPermission = createPermission({
  name: 'docker-env.admin',
  attributes: {},
});
