export * from './types';
export {
  DatabaseDockerEnvStore,
  applyEnvironmentFilter,
} from './DatabaseDockerEnvStore';
export { readTimestamp, readJson } from './rows';
