import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createOAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { gitlabAuthenticator } from '@backstage/plugin-auth-backend-module-gitlab-provider';
import { gitlabCatalogSignInResolver } from './resolver';

export {
  gitlabCatalogSignInResolver,
  GITLAB_USER_LOGIN_ANNOTATION,
} from './resolver';

/**
 * Production sign-in with GitLab (`auth.providers.gitlab`), resolving to catalog users. Registers nothing when
 * `auth.providers.gitlab` is not configured, so the embedded default keeps its guest sign-in alone.
 */
export const gitlabSignInModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'docker-env-gitlab-sign-in',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        if (!config.has('auth.providers.gitlab')) {
          logger.info('GitLab sign-in not configured (auth.providers.gitlab)');
          return;
        }
        providers.registerProvider({
          providerId: 'gitlab',
          factory: createOAuthProviderFactory({
            authenticator: gitlabAuthenticator,
            signInResolver: gitlabCatalogSignInResolver,
          }),
        });
      },
    });
  },
});
