export {
  ContainerWatchers,
  type ContainerFactSubscriber,
  type WatchTarget,
} from './ContainerWatchers';
export type {
  ContainerFact,
  ContainerFactKind,
  ContainerFactPort,
} from './facts';
export {
  ContainerEventsExtensions,
  dockerEnvContainerEventsExtensionPoint,
  type DockerEnvContainerEventsExtensionPoint,
} from './extensionPoint';
export {
  startContainerWatchers,
  WATCHED_STATUSES,
} from './startContainerWatchers';
