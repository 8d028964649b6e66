export { GuestFleet, AGENT_PORT, DOCKER_PORT } from './GuestFleet';
export type { GuestFleetOptions } from './GuestFleet';
export { DockerEngineSimulator } from './DockerEngineSimulator';
export type { DockerEngineSimulatorOptions } from './DockerEngineSimulator';
export { DockerEngine } from './DockerEngine';
export { DOCKER_DEFAULT_LATENCIES, ENGINE_VERSION } from './engineCore';
export type { DockerEngineOptions } from './engineCore';
export { AGENT_VERSION } from './servers';
export { DEFAULT_REGISTRY_IMAGES, parseImageRef } from './images';
export type { LabImageSpec, HealthConfig, ImageRef } from './images';
export { EngineError } from './model';
export type {
  ContainerBehaviour,
  SimContainer as SimDockerContainer,
  SimImage,
  DockerEvent,
} from './model';
