export { operationRegistryFromConfig } from './registry';
export { provisionNotice } from './notices';
export { snapshotListFromConfig } from './snapshots';
export { checkInfrastructureConfig } from './checkConfig';
