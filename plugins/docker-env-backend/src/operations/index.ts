export { operationRegistryFromConfig } from './registry';
export { lifecycleNotice, provisionNotice } from './notices';
export { checkInfrastructureConfig } from './checkConfig';
