import type { OperationStep } from '../operations';
import { pullStep } from './pullStep';
import { healthStep } from './health';
import { startStep } from './prepareSteps';
import { graceStep, renameStep, retireStep, switchStep } from './switchSteps';
import type { RolloutConfig, RolloutDeps, RolloutSpec } from './types';

/**
 * Names of the rollout's steps, in order.
 *
 * @public
 */
export const ROLLOUT_STEP_NAMES = [
  'pull',
  'start',
  'health',
  'switch',
  'grace',
  'retire',
  'rename',
] as const;

/**
 * The steps of one deployment (operation kind `deploy`): pull (and plan), start `<container>-new`, health, switch the
 * route, grace, retire the old container, rename. A failure up to `grace` is undone by the runner (the old
 * container keeps serving: status `rolled_back`); the steps are idempotent, so a runner that died re-runs the
 * interrupted one (resume policy `rerun`).
 *
 * @public
 */
export function buildRolloutSteps(
  deps: RolloutDeps,
  config: RolloutConfig,
  spec: RolloutSpec,
): OperationStep[] {
  return [
    pullStep(deps, config, spec),
    startStep(deps, config, spec),
    healthStep(deps, config, spec),
    switchStep(deps, config, spec),
    graceStep(config),
    retireStep(deps, config),
    renameStep(deps, config, spec),
  ];
}
