/**
 * Backend plugin for self-service Docker environments.
 *
 * @packageDocumentation
 */
export { dockerEnvPlugin as default } from './plugin';
export {
  DockerEnvPermissionPolicy,
  DEFAULT_DOCKER_ENV_ADMINS,
  environmentConditions,
  createEnvironmentConditionalDecision,
  isEnvironmentOwner,
  environmentResourceRef,
} from './permissions';
export { PAUSED_HEADER } from './paused';
export type { DockerEnvStore } from './store';
export {
  dockerEnvProvisioningExtensionPoint,
  type DockerEnvProvisioningExtensionPoint,
} from './provisioning/extensionPoint';
export {
  dockerEnvTokensExtensionPoint,
  type DockerEnvTokensExtensionPoint,
  type TokenCreatorAccessCheck,
  type TokenCreatorAccessRequest,
} from './deployments/tokensExtensionPoint';
export type { EnvironmentChangedEvent } from './events';
export type { EnvironmentNotice } from './notifications';
export { DRIFT_KINDS } from './reconciler/DriftFlags';
export type { DriftKind } from './reconciler/DriftFlags';
export {
  dockerEnvContainerEventsExtensionPoint,
  type DockerEnvContainerEventsExtensionPoint,
  type ContainerFactSubscriber,
  type ContainerFact,
  type ContainerFactKind,
  type ContainerFactPort,
} from './watcher';
