export { DatabaseSnapshotStore } from './SnapshotStore';
export type {
  SnapshotRecord,
  SnapshotRemoval,
  SnapshotStore,
} from './SnapshotStore';
export {
  recordSnapshotOutcome,
  ENVIRONMENT_DELETED_REASON,
  REQUESTED_DELETE_REASON,
} from './snapshotRecords';
export { mergeSnapshots, snapshotListFromConfig } from './snapshotList';
export type { SnapshotList, SnapshotListItem } from './snapshotList';
export { RETENTION_ACTOR, runSnapshotRetention } from './retentionTask';
export type { RetentionScope } from './retentionTask';
export { generatedSnapshotName, isPortalSnapshotName } from './snapshotNames';
export {
  retentionConfig,
  scheduleSnapshotRetention,
} from './scheduleRetention';
