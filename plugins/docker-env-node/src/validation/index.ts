export * from './safeValues';
export * from './remoteValues';
// The building blocks of the validators, for the validators of docker-env-workflows-node (@internal).
export { fail, requireString } from './primitives';
