export { OperationQueue, LostClaimError } from './OperationQueue';
export type { OperationQueueOptions } from './OperationQueue';
export { OperationRunner } from './OperationRunner';
export type { OperationRunnerOptions } from './OperationRunner';
export { startOperationRunner, readRunnerConfig } from './startOperationRunner';
export type {
  RunnerConfig,
  StartOperationRunnerOptions,
} from './startOperationRunner';
export { StepTimeoutError, RunnerStoppedError } from './withTimeout';
export type * from './types';
export {
  ENVIRONMENT_OUTCOMES,
  environmentPatchFor,
  loadTargetFrom,
  targetOf,
} from './environmentRecord';
