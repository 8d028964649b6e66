export * from './DockerEnvEntityProvider';
export * from './environmentEntity';
