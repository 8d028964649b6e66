export { NetBoxClient } from './NetBoxClient';
export { choiceValue, flattenErrors, isOurVirtualMachine } from './mapping';
export type { NetBoxClientOptions } from './NetBoxHttp';
export * from './types';
