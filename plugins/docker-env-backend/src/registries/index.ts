export {
  REGISTRY_SYNC_ACTOR,
  REGISTRY_SYNC_TASK_ID,
  judgeRegistryDrift,
  runRegistrySync,
  scheduleRegistrySync,
  type RegistrySyncDeps,
} from './registrySync';
