export { createValidateNameAction } from './validateName';
export * from './createEnvironment';
export * from './fine';
