export * from './DockerEnvClient';
