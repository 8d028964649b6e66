import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { permissionsRegistryServiceFactory } from '@backstage/backend-defaults/permissionsRegistry';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import permissionPlugin from '@backstage/plugin-permission-backend';
import dockerEnvPlugin, {
  DockerEnvPermissionPolicy,
} from '@docker-env/plugin-docker-env-backend';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { TEST_ORG_CATALOG } from './catalog';

/** The test org: alice owns directly, carol is in the owning group team-a, bob is in another team, root is admin. */
export const TEST_GROUPS: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/carol': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-b'],
  'user:default/root': ['group:default/platform-team'],
};

/** Ownership refs from the test org, as the catalog-backed user info service gives them. */
export const testUserInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const principal = credentials.principal as { userEntityRef: string };
      const ref = principal.userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(TEST_GROUPS[ref] ?? [])],
      };
    },
  }),
});

/**
 * The mock auth service, except that a token on behalf of a user carries the calling plugin as actor, as the real
 * auth service's tokens do (the permission backend refuses conditional queries from users without an actor).
 */
export const testAuthFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const issue = auth.getPluginRequestToken.bind(auth);
    auth.getPluginRequestToken = async options => {
      const principal = options.onBehalfOf.principal as {
        type: string;
        userEntityRef: string;
      };
      if (principal.type !== 'user') return issue(options);
      return {
        token: mockCredentials.user.token(principal.userEntityRef, {
          actor: { subject: `plugin:${plugin.getId()}` },
        }),
      };
    };
    return auth;
  },
});

/** The permission backend's policy for tests: {@link DockerEnvPermissionPolicy} from the config (`dockerEnv.admins`). */
export const dockerEnvTestPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'docker-env-test-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(DockerEnvPermissionPolicy.fromConfig(config));
      },
    });
  },
});

/**
 * The real permission backend with the docker-env policy, the real permissions service and the test org's user info:
 * the features any test backend adds to decide permissions as production does (config: `permission.enabled`).
 */
export const dockerEnvPermissionFeatures = [
  permissionPlugin,
  dockerEnvTestPolicyModule,
  permissionsServiceFactory,
  permissionsRegistryServiceFactory,
  testUserInfoFactory,
  testAuthFactory,
];

/**
 * Starts the plugin with the real permission backend and the docker-env policy (not a mock ALLOW/DENY), the real
 * permissions service, and the test org's user info.
 */
export function startDockerEnvTestBackend(
  options: {
    config?: JsonObject;
    knex?: Knex;
    /**
     * The catalog's entities (a mock catalog service); default the test org, {@link TEST_ORG_CATALOG}. `'real'`: the
     * features start Backstage's catalog plugin, and every plugin reads that one (the scaffolder its templates).
     */
    catalog?: Entity[] | 'real';
    /** More features to start with the plugin (e.g. the catalog's docker-env module). */
    features?: Parameters<typeof startTestBackend>[0]['features'];
  } = {},
) {
  return startTestBackend({
    features: [
      dockerEnvPlugin,
      ...dockerEnvPermissionFeatures,
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          ...options.config,
          // Route tests look at queued operations; the runner has its own tests.
          dockerEnv: {
            runner: { enabled: false },
            // Route tests of other concerns create many environments; quota tests set their own default.
            quotas: {
              default: {
                cpuCores: 10000,
                memoryMb: 10000000,
                diskGb: 100000,
                environments: 10000,
              },
            },
            ...(options.config?.dockerEnv as JsonObject | undefined),
          },
        },
      }),
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      ...(options.catalog === 'real'
        ? []
        : [
            catalogServiceMock.factory({
              entities: options.catalog ?? TEST_ORG_CATALOG,
            }),
          ]),
      ...(options.features ?? []),
    ],
  });
}
