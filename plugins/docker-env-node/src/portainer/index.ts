export { PortainerClient } from './PortainerClient';
export { agentEndpointUrl } from './mapping';
export type { PortainerClientOptions } from './PortainerHttp';
export * from './types';
export { assertRegistryCredential, assertRegistryUrl } from './validate';
