export { operationRegistryFromConfig } from './registry';
export { provisionNotice } from './notices';
