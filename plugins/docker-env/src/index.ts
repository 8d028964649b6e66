/**
 * Frontend plugin for self-service Docker environments.
 *
 * @packageDocumentation
 */
export { dockerEnvPlugin as default } from './plugin';
export { isDockerEnvironment } from './components/entity/isDockerEnvironment';
export * from './api';
