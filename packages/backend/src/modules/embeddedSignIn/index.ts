import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import {
  personaAuthenticator,
  personaProfileTransform,
  personaSignInResolver,
  readPersonas,
} from './personas';

/**
 * The embedded default's sign-in: auth provider `embedded`, a newcomer picks a persona (e.g. developer or admin)
 * and signs in as its catalog user. Registered only when `auth.providers.embedded.<auth.environment>.personas` is
 * configured: app-config.yaml sets it for `development`; production (`auth.environment: production`) has none.
 */
export const embeddedSignInModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'docker-env-embedded-sign-in',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        const environment =
          config.getOptionalString('auth.environment') ?? 'development';
        const key = `auth.providers.embedded.${environment}.personas`;
        const personasConfig = config.getOptionalConfig(key);
        if (!personasConfig) return;
        const personas = readPersonas(personasConfig, key);
        logger.info(
          `Embedded sign-in personas: ${[...personas]
            .map(([id, ref]) => `${id} -> ${ref}`)
            .join(', ')}`,
        );
        providers.registerProvider({
          providerId: 'embedded',
          factory: createProxyAuthProviderFactory({
            authenticator: personaAuthenticator(personas),
            profileTransform: personaProfileTransform,
            signInResolver: personaSignInResolver,
          }),
        });
      },
    });
  },
});
