import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createEnvironmentAction,
  createLxcCreateAction,
  createNetboxRegisterAction,
  createPortainerRegisterAction,
  createRouteWriteAction,
  createValidateNameAction,
} from './actions';

/**
 * Registers the docker-env actions with the scaffolder.
 *
 * @public
 */
export const scaffolderModuleDockerEnv = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'docker-env',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        config: coreServices.rootConfig,
        permissions: coreServices.permissions,
        auditor: coreServices.auditor,
      },
      async init({
        scaffolder,
        auth,
        discovery,
        config,
        permissions,
        auditor,
      }) {
        const fine = { config, permissions, auditor, auth, discovery };
        scaffolder.addActions(
          createValidateNameAction(),
          createEnvironmentAction({
            auth,
            discovery,
            config,
            pollIntervalMs: config.getOptionalNumber(
              'dockerEnv.scaffolder.pollIntervalMs',
            ),
          }),
          createLxcCreateAction(fine),
          createRouteWriteAction(fine),
          createNetboxRegisterAction(fine),
          createPortainerRegisterAction(fine),
        );
      },
    });
  },
});
