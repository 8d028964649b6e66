import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource type of environments in the permission framework.
 *
 * @public
 */
export const DOCKER_ENV_ENVIRONMENT_RESOURCE_TYPE = 'docker-env-environment';

/**
 * Request a new environment (the owner must still be the caller or one of the caller's groups, unless admin).
 *
 * @public
 */
export const environmentCreatePermission = createPermission({
  name: 'docker-env.environment.create',
  attributes: { action: 'create' },
});

/**
 * See an environment, its operations and its status.
 *
 * @public
 */
export const environmentReadPermission = createPermission({
  name: 'docker-env.environment.read',
  attributes: { action: 'read' },
  resourceType: DOCKER_ENV_ENVIRONMENT_RESOURCE_TYPE,
});

/**
 * Change an environment: lifecycle, snapshots, deployments, tokens.
 *
 * @public
 */
export const environmentUpdatePermission = createPermission({
  name: 'docker-env.environment.update',
  attributes: { action: 'update' },
  resourceType: DOCKER_ENV_ENVIRONMENT_RESOURCE_TYPE,
});

/**
 * Resize an environment: CPU, memory and disk (`PATCH /environments/{name}` with `size` or the resources), within the
 * owner's quota.
 *
 * @public
 */
export const environmentResizePermission = createPermission({
  name: 'docker-env.environment.resize',
  attributes: { action: 'update' },
  resourceType: DOCKER_ENV_ENVIRONMENT_RESOURCE_TYPE,
});

/**
 * Transfer an environment to another owner (`PATCH /environments/{name}` with `owner`): the caller must belong to the
 * new owner (admins excepted), within the new owner's quota.
 *
 * @public
 */
export const environmentTransferPermission = createPermission({
  name: 'docker-env.environment.transfer',
  attributes: { action: 'update' },
  resourceType: DOCKER_ENV_ENVIRONMENT_RESOURCE_TYPE,
});

/**
 * Delete an environment.
 *
 * @public
 */
export const environmentDeletePermission = createPermission({
  name: 'docker-env.environment.delete',
  attributes: { action: 'delete' },
  resourceType: DOCKER_ENV_ENVIRONMENT_RESOURCE_TYPE,
});

/**
 * Administer the platform: quotas, approvals, any owner, every environment.
 *
 * @public
 */
export const dockerEnvAdminPermission = createPermission({
  name: 'docker-env.admin',
  attributes: {},
});

/**
 * Every permission of the docker-env plugins.
 *
 * @public
 */
export const dockerEnvPermissions = [
  environmentCreatePermission,
  environmentReadPermission,
  environmentUpdatePermission,
  environmentResizePermission,
  environmentTransferPermission,
  environmentDeletePermission,
  dockerEnvAdminPermission,
];
