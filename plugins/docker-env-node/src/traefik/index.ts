export * from './types';
export {
  buildRouteDocument,
  routeId,
  routeRule,
  ROUTE_ID_PREFIX,
} from './buildRouteDocument';
export { assertValidRouteDocument } from './checkDocument';
export type { RouteStore } from './RouteStore';
export {
  routeFileName,
  serializeRouteDocument,
  parseRouteDocument,
} from './RouteStore';
export { routeMarkLine, routeMarkOf } from './routeMark';
export {
  OPERATION_HOLDS_LOCK,
  RouteFileNotOursError,
  RouteWriter,
} from './RouteWriter';
export type { RouteLock } from './RouteWriter';
export { LocalRouteStore } from './LocalRouteStore';
export { SftpRouteStore } from './SftpRouteStore';
export { TraefikRoutes, routeStoreFromConfig } from './TraefikRoutes';
export type { TraefikRouteClient } from './TraefikRoutes';
