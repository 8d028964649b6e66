import type { Config } from '@backstage/config';
import { provisioningDepsFromConfig } from './config';
import type { ProvisioningDeps as Deps, TeamResolver } from './types';

export { buildProvisionSteps } from './buildProvisionSteps';
export { buildRestoreSteps, RESTORE_STEP_NAMES } from './buildRestoreSteps';
export { readProvisioningConfig } from './config';
export { environmentUrl, routeStep } from './steps/route';
export { lxcStep } from './steps/lxc';
export { portainerStep } from './steps/portainer';
export { netboxStep } from './steps/netbox';
export { scanHostKey } from './hostKeyScan';
export {
  buildFirewallRules,
  readFirewallSources,
  type FirewallSources,
} from './firewallRules';
export {
  PROVISION_STEP_NAMES,
  type ProvisionStepName,
  type ProvisioningConfig,
  type LxcSource,
  type OwnerTeam,
  type TeamResolver,
} from './types';

/**
 * The clients the provisioning steps use.
 *
 * @public
 */
export type ProvisioningDeps = Deps;

/**
 * Builds {@link ProvisioningDeps} from config.
 *
 * @public
 */
// eslint-disable-next-line @typescript-eslint/no-redeclare
export const ProvisioningDeps = {
  fromConfig(config: Config, options: { teams?: TeamResolver } = {}): Deps {
    return provisioningDepsFromConfig(config, options);
  },
};
