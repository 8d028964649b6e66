/**
 * Frontend plugin for self-service Docker environments.
 *
 * @packageDocumentation
 */
export { dockerEnvPlugin as default } from './plugin';
export { dockerEnvApiRef, DockerEnvClient } from './api';
export type { DockerEnvApi, DockerEnvHealth } from './api';
