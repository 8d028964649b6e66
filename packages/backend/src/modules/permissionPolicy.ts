import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { DockerEnvPermissionPolicy } from '@docker-env/plugin-docker-env-backend';

/**
 * The portal's permission policy: decides `docker-env.*` (admins = `dockerEnv.admins`, default members of
 * `group:default/platform-team`; users: their own and their groups' environments) and allows every other permission.
 */
export const permissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'docker-env-policy',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(DockerEnvPermissionPolicy.fromConfig(config));
      },
    });
  },
});
