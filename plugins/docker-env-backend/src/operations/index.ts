export { operationRegistryFromConfig } from './registry';
export { lifecycleNotice, provisionNotice } from './notices';
export { snapshotListFromConfig } from './snapshots';
export { checkInfrastructureConfig } from './checkConfig';
