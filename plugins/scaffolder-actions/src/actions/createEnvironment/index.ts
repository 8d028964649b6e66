export { createEnvironmentAction } from './createEnvironmentAction';
export type { CreateEnvironmentActionOptions } from './createEnvironmentAction';
