/**
 * Scaffolder actions that provision Docker environments.
 *
 * @packageDocumentation
 */
export { scaffolderModuleDockerEnv as default } from './module';
export * from './actions';
