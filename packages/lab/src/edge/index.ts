export { EdgeRouter } from './EdgeRouter';
export type {
  EdgeEntryPoint,
  EdgeRouterOptions,
  EdgeReload,
} from './EdgeRouter';
export { parseRule, RuleSyntaxError } from './rule';
export type { CompiledRule, RuleRequest } from './rule';
export {
  loadRouteDirectory,
  isRouteFile,
  RouteFileError,
} from './loadDirectory';
export type { RouterStatus } from './runtime';
export type { EdgeLogger } from './types';
export {
  startEchoServer,
  memoryLogger,
  writeAtomically,
  eventually,
  edgeRequest,
} from './testing';
export type { EchoServer } from './testing';
