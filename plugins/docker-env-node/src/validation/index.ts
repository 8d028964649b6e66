export * from './safeValues';
export * from './remoteValues';
/**
 * The building blocks of the validators, for the sibling workflows package.
 *
 * @internal
 */
export { fail, requireString } from './primitives';
