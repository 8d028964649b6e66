/**
 * Catalog module that publishes Docker environments as `Resource` entities.
 *
 * @packageDocumentation
 */
export { catalogModuleDockerEnv as default } from './module';
export { DOCKER_ENV_PROVIDER_CONFIG } from './module';
export * from './provider';
