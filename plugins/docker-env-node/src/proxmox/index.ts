export {
  isVmidTaken,
  isLocked,
  isMissingCt,
  type ProxmoxClient,
  type CloneFromTemplateOptions,
  type CreateFromOsTemplateOptions,
  type CreateResult,
  type LxcConfigChanges,
  type WaitForTaskOptions,
} from './ProxmoxClient';
export { ProxmoxApiClient, type CreateRetry } from './ProxmoxApiClient';
export {
  PveTransport,
  type PveTransportOptions,
  type PveRequester,
  type PveMethod,
} from './PveTransport';
export { ProxmoxTaskError } from './ProxmoxTaskError';
export * from './types';
export * from '../validation/proxmoxValues';
export { PVE_LIVE_APPLY, whenConfigApplies } from './liveApply';
