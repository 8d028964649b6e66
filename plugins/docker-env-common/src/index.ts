/**
 * Types, validation rules and permissions shared by the Docker environment plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './validation';
export * from './api';
export * from './permissions';
export * from './client';
