export { buildRolloutSteps, ROLLOUT_STEP_NAMES } from './buildRolloutSteps';
export { rolloutConfig, readRolloutConfig } from './config';
export { rolloutDepsFromConfig } from './deps';
export { RolloutHealthError } from './health';
export { DEPLOYMENT_LABELS } from './containers';
export { assertRolloutSpec, NEW_SUFFIX } from './spec';
export type {
  Backend,
  RolloutConfig,
  RolloutDeps,
  RolloutFacts,
  RolloutSpec,
} from './types';
