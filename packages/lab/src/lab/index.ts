export { startLab } from './startLab';
export type { Lab, LabOptions } from './startLab';
