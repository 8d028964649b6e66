export * from './types';
export {
  DatabaseDockerEnvStore,
  applyEnvironmentFilter,
} from './DatabaseDockerEnvStore';
export { parseTimestamp, readTimestamp, readJson } from './rows';
