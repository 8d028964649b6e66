export { operationRegistryFromConfig } from './registry';
export { provisionNotice } from './notices';
export { snapshotListFromConfig } from './snapshots';
