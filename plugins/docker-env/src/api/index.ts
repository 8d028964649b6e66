export * from './DockerEnvApi';
export * from './types';
