export { NetBoxClient, choiceValue, flattenErrors } from './NetBoxClient';
export type { NetBoxClientOptions } from './NetBoxClient';
export * from './types';
