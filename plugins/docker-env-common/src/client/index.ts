export * from './DockerEnvApiClient';
export type { DockerEnvClientOptions, RouteCall } from './request';
