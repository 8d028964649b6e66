export { validResize, RESIZE_FIELDS, type ResizeTarget } from './resizeRequest';
export { startResize } from './startResize';
