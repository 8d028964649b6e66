import type { OperationStep } from '../operations';
import { pullStep } from './pullStep';
import { healthStep } from './health';
import { planStep, startStep } from './prepareSteps';
import { graceStep, renameStep, retireStep, switchStep } from './switchSteps';
import type { RolloutConfig, RolloutDeps, RolloutSpec } from './types';

/** Names of the rollout's steps, in order. */
export const ROLLOUT_STEP_NAMES = [
  'plan',
  'pull',
  'start',
  'health',
  'switch',
  'grace',
  'retire',
  'rename',
] as const;

/**
 * The steps of one deployment (operation kind `deploy`): plan, pull, start `<container>-new`, health, switch the
 * route, grace, retire the old container, rename. A failure up to `grace` is undone by the runner (the old
 * container keeps serving: status `rolled_back`); the steps are idempotent, so a runner that died re-runs the
 * interrupted one (resume policy `rerun`).
 */
export function buildRolloutSteps(
  deps: RolloutDeps,
  config: RolloutConfig,
  spec: RolloutSpec,
): OperationStep[] {
  return [
    planStep(deps, config, spec),
    pullStep(deps, config, spec),
    startStep(deps, config, spec),
    healthStep(deps, config, spec),
    switchStep(deps, config, spec),
    graceStep(config),
    retireStep(deps, config),
    renameStep(deps, config, spec),
  ];
}
