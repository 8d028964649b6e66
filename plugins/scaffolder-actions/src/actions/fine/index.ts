export { createLxcCreateAction } from './lxcCreate';
export { createRouteWriteAction } from './routeWrite';
export { UNMANAGED_TAG, type FineActionOptions } from './shared';
export { createNetboxRegisterAction } from './netboxRegister';
export { createPortainerRegisterAction } from './portainerRegister';
