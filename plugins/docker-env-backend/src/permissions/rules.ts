import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  DOCKER_ENV_ENVIRONMENT_RESOURCE_TYPE,
  Environment,
} from '@docker-env/plugin-docker-env-common';
import { z } from 'zod';
import type { EnvironmentQuery } from '../store';

/**
 * The permission framework's handle on environments: resource and query types.
 *
 * @public
 */
export const environmentResourceRef = createPermissionResourceRef<
  Environment,
  EnvironmentQuery
>().with({
  pluginId: 'docker-env',
  resourceType: DOCKER_ENV_ENVIRONMENT_RESOURCE_TYPE,
});

/**
 * The environment's owner is one of `claims` (the user and the user's groups), applied as a query filter.
 *
 * @public
 */
export const isEnvironmentOwner = createPermissionRule({
  name: 'IS_ENVIRONMENT_OWNER',
  description:
    'Allow environments whose owner is the user or one of the groups the user belongs to',
  resourceRef: environmentResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe("Entity refs of the user and the user's groups"),
  }),
  apply: (environment, { claims }) => claims.includes(environment.owner),
  toQuery: ({ claims }) => ({ property: 'owner', values: claims }),
});

/** Every rule on environments. */
export const environmentRules = { isEnvironmentOwner };

const conditionExports = createConditionExports({
  resourceRef: environmentResourceRef,
  rules: environmentRules,
});

/**
 * Condition factories for permission policies, e.g.
 * `environmentConditions.isEnvironmentOwner({ claims: user.info.ownershipEntityRefs })`.
 *
 * @public
 */
export const environmentConditions = conditionExports.conditions;

/**
 * Wraps conditions on environments into a conditional policy decision.
 *
 * @public
 */
export const createEnvironmentConditionalDecision =
  conditionExports.createConditionalDecision;
