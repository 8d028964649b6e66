export {
  checkProductionConfig,
  LAB_ONLY_VALUES,
  REQUIRED_IN_PRODUCTION,
} from './productionGuard';
export type { RequiredValue } from './productionGuard';
