export {
  ProxmoxApiClient,
  isVmidTaken,
  isLocked,
  type ProxmoxClient,
  type CloneFromTemplateOptions,
  type CreateFromOsTemplateOptions,
  type CreateResult,
  type WaitForTaskOptions,
} from './ProxmoxClient';
export { PveTransport, type PveTransportOptions } from './PveTransport';
export { ProxmoxTaskError } from './ProxmoxTaskError';
export * from './types';
export * from '../validation/proxmoxValues';
