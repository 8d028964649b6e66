import type { Config } from '@backstage/config';
import type { DockerEnvStore } from '../store';
import { DeployTokens, TokenHasher } from '../tokens';
import { DeploymentRateLimit } from './DeploymentRateLimit';
import { RegistryCredentials } from './RegistryCredentials';

export { deployNotice } from './deployNotice';
export { RegistryCredentials } from './RegistryCredentials';
export { credentialsOutsideTokenRoutes } from './tokenRoutesAuth';
export {
  DeploymentRateLimit,
  DEPLOYMENTS_PER_HOUR,
} from './DeploymentRateLimit';

/**
 * The deployment tokens (every use audited in `audit_events`) and the rate limit on the plugin's database, and the
 * in-memory registry credentials of the deployments this replica accepted.
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
  );
  return {
    deployTokens,
    deploymentRateLimit: new DeploymentRateLimit(store.operations()),
    registryCredentials: new RegistryCredentials(),
  };
}
