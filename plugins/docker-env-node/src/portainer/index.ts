export { PortainerClient, agentEndpointUrl } from './PortainerClient';
export type { PortainerClientOptions } from './PortainerClient';
export * from './types';
