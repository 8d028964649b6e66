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
export { LocalRouteStore } from './LocalRouteStore';
export { SftpRouteStore } from './SftpRouteStore';
export { TraefikRoutes, routeStoreFromConfig } from './TraefikRoutes';
export type { TraefikRouteClient } from './TraefikRoutes';
