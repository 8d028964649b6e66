/**
 * Infrastructure clients shared by the docker-env scaffolder actions and backend plugin.
 *
 * @packageDocumentation
 */
export * from './errors';
export * from './validation';
export * from './traefik';
export * from './ssh';
export * from './docker';
export * from './webhooks';
export * from './proxmox';
export * from './ownership';
export * from './netbox';
export * from './portainer';
export * from './config';
export * from './timing';
