export * from './types';
export * from './DockerClient';
export { normaliseHostKeySha256, pinnedHostVerifier } from './connection';
export * from './dockerValues';
