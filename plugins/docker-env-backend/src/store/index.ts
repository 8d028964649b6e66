export * from './types';
export { DatabaseDockerEnvStore } from './DatabaseDockerEnvStore';
export { applyEnvironmentFilter } from './environmentQueries';
export { parseTimestamp, readTimestamp, readJson } from './rows';
