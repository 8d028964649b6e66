export {
  NetBoxClient,
  choiceValue,
  flattenErrors,
  isOurVirtualMachine,
} from './NetBoxClient';
export type { NetBoxClientOptions } from './NetBoxClient';
export * from './types';
