export { buildLifecycleSteps } from './buildLifecycleSteps';
export { pauseSteps } from './pauseSteps';
export { resumeSteps } from './resumeSteps';
export { resizeSteps, rootfsGiB, type ResizeResources } from './resizeSteps';
export { transferSteps, describedOwner } from './transferSteps';
export {
  snapshotCreateSteps,
  snapshotDeleteSteps,
  snapshotNamesToDelete,
  snapshotRollbackSteps,
} from './snapshotSteps';
export {
  deleteSteps,
  decommissionedVmName,
  DELETE_KEEPING_STEPS,
  finalBackupNotes,
} from './deleteSteps';
export {
  listEnvironmentContainers,
  readContainerLogs,
  listEnvironmentSnapshots,
  LOG_TAIL,
  LOG_MAX_CHARS,
  MAX_LISTED_CONTAINERS,
  type EnvironmentContainer,
  type ContainerLogRead,
} from './containers';
export { lifecycleConfig, readLifecycleConfig } from './config';
export { lifecycleDepsFromConfig, dockerChannelFromConfig } from './deps';
export {
  environmentRouteIds,
  isPausedDocument,
  liveDocument,
  pausedDocument,
  rewriteEnvironmentRoutes,
} from './routes';
export {
  LIFECYCLE_KINDS,
  type LifecycleKind,
  type LifecycleDeps,
  type LifecycleConfig,
  type LifecycleFacts,
  type DockerChannel,
} from './types';
