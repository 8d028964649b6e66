import type { Config } from '@backstage/config';
import type { DockerEnvStore } from '../store';
import { DEFAULT_TOKEN_LIFETIME, DeployTokens, TokenHasher } from '../tokens';
import { DeploymentRateLimit } from './DeploymentRateLimit';
import { SecretBox } from '../secrets/SecretBox';
import { DeploymentSecrets } from './DeploymentSecrets';

export { deployNotice } from './deployNotice';
export { DeploymentSecrets, SECRETS_NOT_HELD } from './DeploymentSecrets';
export { credentialsOutsideTokenRoutes } from './tokenRoutesAuth';
export {
  DeploymentRateLimit,
  DEPLOYMENTS_PER_HOUR,
} from './DeploymentRateLimit';

/**
 * The deployment tokens (every use audited in `audit_events`) and the rate limit on the plugin's database, and the
 * sealed env values and registry credentials of queued deployments.
 */
export function deploymentServices(config: Config, store: DockerEnvStore) {
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
      defaultDays:
        config.getOptionalNumber('dockerEnv.deployments.tokenLifetimeDays') ??
        DEFAULT_TOKEN_LIFETIME.defaultDays,
      maxDays:
        config.getOptionalNumber(
          'dockerEnv.deployments.tokenMaxLifetimeDays',
        ) ?? DEFAULT_TOKEN_LIFETIME.maxDays,
    },
  );
  return {
    deployTokens,
    deploymentRateLimit: new DeploymentRateLimit(store.operations()),
    deploymentSecrets: new DeploymentSecrets(SecretBox.fromConfig(config), () =>
      store.deploymentSecrets(),
    ),
  };
}
