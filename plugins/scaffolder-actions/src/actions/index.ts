export { createValidateNameAction } from './validateName';
