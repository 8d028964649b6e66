import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  DOCKER_ENV_ENVIRONMENT_RESOURCE_TYPE,
  dockerEnvAdminPermission,
  environmentReadPermission,
} from '@docker-env/plugin-docker-env-common';
import {
  createEnvironmentConditionalDecision,
  environmentConditions,
} from './rules';
import { isAdminClaim } from './ownership';

/**
 * Admins when `dockerEnv.admins` is not configured.
 *
 * @public
 */
export const DEFAULT_DOCKER_ENV_ADMINS = ['group:default/platform-team'];

/**
 * A permission policy that decides only `docker-env.*` and allows every other permission:
 *
 * - admins (members of `dockerEnv.admins`, default `group:default/platform-team`) may do everything;
 * - users may create, and read/update/delete the environments owned by them or one of their groups (a condition the
 *   plugin applies as a query filter); other `docker-env.*` permissions without a resource type are allowed and
 *   checked by the routes (ownership), except `docker-env.admin`;
 * - service principals (the catalog provider, the scaffolder acting without a user) may read.
 *
 * Portals with their own policy use {@link environmentConditions} the same way instead.
 *
 * @public
 */
export class DockerEnvPermissionPolicy implements PermissionPolicy {
  /** Reads `dockerEnv.admins` (entity refs of groups or users). */
  static fromConfig(config: Config): DockerEnvPermissionPolicy {
    return new DockerEnvPermissionPolicy(
      config.getOptionalStringArray('dockerEnv.admins') ??
        DEFAULT_DOCKER_ENV_ADMINS,
    );
  }

  constructor(private readonly admins: string[]) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (!permission.name.startsWith('docker-env.')) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user) {
      return {
        result:
          permission.name === environmentReadPermission.name
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      };
    }
    const claims = user.info.ownershipEntityRefs;
    if (isAdminClaim(claims, this.admins)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (permission.name === dockerEnvAdminPermission.name) {
      return { result: AuthorizeResult.DENY };
    }
    if (
      isResourcePermission(permission, DOCKER_ENV_ENVIRONMENT_RESOURCE_TYPE)
    ) {
      return createEnvironmentConditionalDecision(
        permission,
        environmentConditions.isEnvironmentOwner({ claims }),
      );
    }
    if (isResourcePermission(permission)) {
      return { result: AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
