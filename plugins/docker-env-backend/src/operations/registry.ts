import type { Config } from '@backstage/config';
import {
  buildProvisionSteps,
  ProvisioningDeps,
  readProvisioningConfig,
  type OperationStep,
} from '@docker-env/plugin-docker-env-node';
import type { OperationRegistry } from '../runner';

/**
 * The step lists the runner executes, by operation kind, built from `dockerEnv.*` config.
 *
 * The clients are built on first use rather than at start-up, so a backend whose infrastructure config is
 * incomplete still starts (and answers the API); an operation then fails at its `plan` with the config error.
 * Not done yet: the lifecycle kinds (pause, resume, snapshots, delete) and `deploy` are registered by their issues.
 */
export function operationRegistryFromConfig(config: Config): OperationRegistry {
  let provision: (() => OperationStep[]) | undefined;
  return {
    provision: {
      steps: () => {
        if (!provision) {
          const deps = ProvisioningDeps.fromConfig(config);
          const settings = readProvisioningConfig(config);
          provision = () => buildProvisionSteps(deps, settings);
        }
        return provision();
      },
    },
  };
}
