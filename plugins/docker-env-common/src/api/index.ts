export * from './types';
export { spec as dockerEnvApiSpec } from './spec/openapi';
export type { DockerEnvApiSpec } from './spec/openapi';
export type * from './spec/types';
