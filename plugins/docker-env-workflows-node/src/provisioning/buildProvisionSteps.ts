import type { OperationStep } from '../operations';
import { agentStep } from './steps/agent';
import { lxcStep } from './steps/lxc';
import { netboxStep } from './steps/netbox';
import { portainerStep } from './steps/portainer';
import { registriesStep } from '../registries/step';
import { ipStep, startStep } from './steps/power';
import { routeStep } from './steps/route';
import { welcomeStep } from './steps/welcome';
import {
  PROVISION_STEP_NAMES,
  type ProvisioningConfig,
  type ProvisioningDeps,
} from './types';

/**
 * The steps of a `provision` operation, in order: lxc -> start -> ip -> agent -> portainer ->
 * registries -> welcome -> route -> netbox. The runner (backend) runs them and undoes finished ones in reverse
 * on a failure; the final "ready" bookkeeping (record, catalog, notification) is the backend's.
 *
 * @public
 */
export function buildProvisionSteps(
  deps: ProvisioningDeps,
  config: ProvisioningConfig,
): OperationStep[] {
  const steps = [
    lxcStep(deps, config),
    startStep(deps, config),
    ipStep(deps, config),
    agentStep(deps, config),
    portainerStep(deps, config),
    registriesStep(deps, {
      registries: config.registries ?? [],
      timeoutMs: config.timeouts.registries,
    }),
    welcomeStep(deps, config),
    routeStep(deps, config),
    netboxStep(deps, config),
  ];
  // the names are part of the recorded operations: keep them and the list in step
  steps.forEach((s, i) => {
    if (s.name !== PROVISION_STEP_NAMES[i])
      throw new Error(`provisioning: step ${i} is ${s.name}`);
  });
  return steps;
}
