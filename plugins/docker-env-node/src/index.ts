/**
 * Infrastructure clients shared by the docker-env scaffolder actions and backend plugin.
 *
 * @packageDocumentation
 */
export * from './errors';
export * from './validation';
export * from './traefik';
export * from './ssh';
