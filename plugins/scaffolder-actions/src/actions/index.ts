export { createValidateNameAction } from './validateName';
export * from './createEnvironment';
