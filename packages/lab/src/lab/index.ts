export { startLab } from './startLab';
export type { Lab, LabOptions } from './startLab';
export { labClientConfig } from './clientConfig';
export type { LabClientConfigOptions } from './clientConfig';
