export { LabelRoutes, type LabelRoutesOptions } from './LabelRoutes';
export {
  DatabaseLabelRouteStore,
  type LabelRouteRecord,
  type LabelRouteStore,
} from './LabelRouteStore';
export { ROUTE_LABELS } from './labels';
