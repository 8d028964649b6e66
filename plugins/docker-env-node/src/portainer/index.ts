export { PortainerClient } from './PortainerClient';
export type { PortainerClientOptions } from './PortainerClient';
export * from './types';
