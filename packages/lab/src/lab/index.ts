export { startLab } from './startLab';
export type { Lab, LabOptions } from './startLab';
export { labClientConfig } from './clientConfig';
export type { LabClientConfigOptions } from './clientConfig';
export {
  LAB_PORTAINER_PASSWORD,
  LAB_PRIVATE_REGISTRY,
} from './labPortainerUsers';
