import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { type Config, readDurationFromConfig } from '@backstage/config';
import type { HumanDuration } from '@backstage/types';
import {
  NetBoxClient,
  PortainerClient,
  ProxmoxApiClient,
  TraefikRoutes,
} from '@docker-env/plugin-docker-env-node';
import {
  listHoldings,
  readLifecycleConfig,
} from '@docker-env/plugin-docker-env-workflows-node';
import type { AuditTrail } from '../audit';
import { judgeRegistryDrift } from '../registries';
import {
  reconcileOnce,
  type ReconcilerDeps,
  type ReconcilerStore,
} from './reconcilePass';

/** The scheduler task id (global scope: one pass at a time across replicas). */
export const RECONCILER_TASK_ID = 'docker-env-reconciler';

const DEFAULT_FREQUENCY: HumanDuration = { minutes: 10 };

/** `dockerEnv.reconciler`: whether it runs, and how often (a duration object or ISO 8601 string; default 10 minutes). */
export function reconcilerScheduleFromConfig(config: Config): {
  enabled: boolean;
  frequency: HumanDuration;
} {
  const c = config.getOptionalConfig('dockerEnv.reconciler');
  return {
    enabled: c?.getOptionalBoolean('enabled') ?? true,
    frequency: c?.has('frequency')
      ? readDurationFromConfig(c, { key: 'frequency' })
      : DEFAULT_FREQUENCY,
  };
}

/**
 * The pass's dependencies from config: the production clients of `dockerEnv.proxmox`, `.portainer`, `.netbox` and
 * `.traefik`, built at the first pass (a backend with incomplete infrastructure config still starts).
 */
export function reconcilerDepsFromConfig(
  config: Config,
  options: {
    store: ReconcilerStore;
    audit?: Pick<AuditTrail, 'emit'>;
  },
): () => ReconcilerDeps {
  let deps: ReconcilerDeps | undefined;
  return () => {
    if (deps) return deps;
    const routes = TraefikRoutes.fromConfig(config);
    const clients = {
      proxmox: ProxmoxApiClient.fromConfig(config),
      portainer: PortainerClient.fromConfig(config),
      netbox: NetBoxClient.fromConfig(config),
      routes: routes.store,
    };
    deps = {
      ...options,
      holdings: () => listHoldings(clients),
      registries: () =>
        judgeRegistryDrift({
          config,
          store: options.store,
          portainer: () => clients.portainer,
        }),
      routes: routes.store,
      proxmox: clients.proxmox,
      routeSettings: routes.settings,
      pausedRoute: readLifecycleConfig(config).pausedRoute,
    };
    return deps;
  };
}

/** Schedules the reconciler (unless `dockerEnv.reconciler.enabled` is false), once across replicas. */
export async function scheduleReconciler(options: {
  config: Config;
  scheduler: SchedulerService;
  logger: LoggerService;
  store: ReconcilerStore;
  audit?: Pick<AuditTrail, 'emit'>;
}): Promise<void> {
  const { enabled, frequency } = reconcilerScheduleFromConfig(options.config);
  if (!enabled) return;
  const deps = reconcilerDepsFromConfig(options.config, options);
  await options.scheduler.scheduleTask({
    id: RECONCILER_TASK_ID,
    frequency,
    timeout: { minutes: 5 },
    initialDelay: { minutes: 1 },
    scope: 'global',
    fn: async () => {
      const r = await reconcileOnce(deps());
      if (r.fixed.length || r.flagged.length || r.resolved.length)
        options.logger.info(
          `Reconciler: fixed ${r.fixed.length}, flagged ${r.flagged.length}, resolved ${r.resolved.length}`,
        );
      for (const unreadable of r.unreadable)
        options.logger.warn(`Reconciler: not judged, ${unreadable}`);
    },
  });
}
