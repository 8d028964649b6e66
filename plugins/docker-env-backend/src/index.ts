/**
 * Backend plugin for self-service Docker environments.
 *
 * @packageDocumentation
 */
export { dockerEnvPlugin as default } from './plugin';
