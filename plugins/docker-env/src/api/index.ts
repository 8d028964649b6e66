export * from './DockerEnvApi';
export * from './DockerEnvClient';
