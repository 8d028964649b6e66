import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createValidateNameAction } from './actions';

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
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(createValidateNameAction());
      },
    });
  },
});
