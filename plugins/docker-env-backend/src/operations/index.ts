export { operationRegistryFromConfig } from './registry';
export { lifecycleNotice, provisionNotice } from './notices';
export { checkInfrastructureConfig } from './checkConfig';
export { operationOutcomeHooks } from './outcomes';
export { carriedFacts } from './facts';
export { DatabaseOperationStore } from './DatabaseOperationStore';
export type * from './OperationStore';
