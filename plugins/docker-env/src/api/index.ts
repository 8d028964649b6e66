export * from './DockerEnvApi';
export * from './DockerEnvClient';
export * from './types';
