import { RouteModule } from '../service/RouteContext';
import { alertRoutes } from './alerts';
import { auditRoutes } from './audit';
import { backupRoutes } from './backups';
import { containerRoutes } from './containers';
import { expiryRoutes } from './expiry';
import { environmentRoutes } from './environments';
import { lifecycleRoutes } from './lifecycle';
import { nameRoutes } from './names';
import { quotaRoutes } from './quotas';
import { statusRoutes } from './status';
import { deploymentRoutes } from './deployments';
import { tokenRoutes } from './tokens';
import { driftRoutes } from './drift';
import { usageRoutes } from './usage';
import { teamSyncRoutes } from './teamSync';

/**
 * Every concern's routes, in one list: a new concern (quotas, requests, audit, lifecycle, deployments) adds its file
 * under `src/routes/`, its paths under the common library's `src/api/spec/`, and one line here.
 */
export const routeModules: RouteModule[] = [
  environmentRoutes,
  containerRoutes,
  expiryRoutes,
  lifecycleRoutes,
  nameRoutes,
  statusRoutes,
  quotaRoutes,
  auditRoutes,
  tokenRoutes,
  deploymentRoutes,
  driftRoutes,
  backupRoutes,
  usageRoutes,
  alertRoutes,
  teamSyncRoutes,
];
