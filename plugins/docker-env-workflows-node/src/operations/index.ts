export type { OperationTarget, StepContext, OperationStep } from './types';
