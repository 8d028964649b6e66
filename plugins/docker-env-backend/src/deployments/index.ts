import type { AuthService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { DEFAULT_DOCKER_ENV_ADMINS } from '../permissions';
import {
  catalogOwnershipRefs,
  mayUpdateEnvironment,
} from '../permissions/ownership';
import { RefusedAttempts } from '../tokens/RefusedAttempts';
import type { DockerEnvStore } from '../store';
import { DEFAULT_TOKEN_LIFETIME, DeployTokens, TokenHasher } from '../tokens';
import { DeploymentRateLimit } from './DeploymentRateLimit';
import { SecretBox } from '../secrets/SecretBox';
import { DeploymentSecrets } from './DeploymentSecrets';
import type { TokenCreatorAccessCheck } from './tokensExtensionPoint';

export { deployNotice } from './deployNotice';
export { DeploymentSecrets, SECRETS_NOT_HELD } from './DeploymentSecrets';
export { credentialsOutsideTokenRoutes } from './tokenRoutesAuth';
export {
  dockerEnvTokensExtensionPoint,
  TokensExtensions,
  type DockerEnvTokensExtensionPoint,
  type TokenCreatorAccessCheck,
  type TokenCreatorAccessRequest,
} from './tokensExtensionPoint';
export {
  DeploymentRateLimit,
  DEPLOYMENTS_PER_HOUR,
} from './DeploymentRateLimit';

/**
 * The deployment tokens (every use audited in `audit_events`, refusals per address limited), their creators
 * re-checked at each use (by `creatorAccess`, a module's check, else against the catalog), the rate limit on the plugin's database, and the sealed env values and
 * registry credentials of queued deployments.
 */
export function deploymentServices(
  config: Config,
  store: DockerEnvStore,
  catalog: { catalog: CatalogService; auth: AuthService },
  creatorAccess?: TokenCreatorAccessCheck,
) {
  const admins =
    config.getOptionalStringArray('dockerEnv.admins') ??
    DEFAULT_DOCKER_ENV_ADMINS;
  const deployTokens = new DeployTokens(
    store.tokens(),
    TokenHasher.fromConfig(config),
    async use => {
      await store.appendAudit({
        actor: `deploy-token:${use.tokenId ?? 'unknown'}`,
        action: 'deploy_token.use',
        target: null,
        environmentId: use.environmentId,
        result: use.result,
        reason: use.reason ?? null,
      });
    },
    {
      lifetime: {
        defaultDays:
          config.getOptionalNumber('dockerEnv.deployments.tokenLifetimeDays') ??
          DEFAULT_TOKEN_LIFETIME.defaultDays,
        maxDays:
          config.getOptionalNumber(
            'dockerEnv.deployments.tokenMaxLifetimeDays',
          ) ?? DEFAULT_TOKEN_LIFETIME.maxDays,
      },
      refusedAttempts: new RefusedAttempts(
        config.getOptionalNumber(
          'dockerEnv.deployments.refusedTokenAttemptsPerMinute',
        ),
      ),
      // the creator must still be allowed to update the environment, by the catalog's current memberships
      creatorAccess: async (creator, environmentId) => {
        const environment = await store.getEnvironmentById(environmentId);
        if (!environment) return false;
        if (creatorAccess) {
          const { id, name, owner } = environment;
          return creatorAccess({ creator, environment: { id, name, owner } });
        }
        const claims = await catalogOwnershipRefs(catalog, creator);
        return mayUpdateEnvironment(claims, admins, environment.owner);
      },
    },
  );
  return {
    deployTokens,
    deploymentRateLimit: new DeploymentRateLimit(),
    deploymentSecrets: new DeploymentSecrets(SecretBox.fromConfig(config), () =>
      store.deploymentSecrets(),
    ),
  };
}
