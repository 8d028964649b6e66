export * from './rules';
export * from './DockerEnvPermissionPolicy';
