import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { type Config, readDurationFromConfig } from '@backstage/config';
import type { HumanDuration } from '@backstage/types';
import {
  PortainerClient,
  type PortainerApi,
} from '@docker-env/plugin-docker-env-node';
import {
  judgeRegistries,
  readOwnerRegistries,
  syncRegistriesOnce,
  type RegistryEnvironment,
  type RegistryFinding,
  type RegistryFingerprints,
  type RegistrySyncReport,
} from '@docker-env/plugin-docker-env-workflows-node';
import { type AuditTrail, auditPortainerSyncChange } from '../audit';
import type { DockerEnvStore } from '../store';

/** The scheduler task id (global scope: one pass at a time across replicas). */
export const REGISTRY_SYNC_TASK_ID = 'docker-env-registry-sync';

/** The actor the sync writes in the audit log. */
export const REGISTRY_SYNC_ACTOR = 'plugin:docker-env/registry-sync';

const DEFAULT_FREQUENCY: HumanDuration = { minutes: 10 };

/** What a pass (or the reconciler's judgement) needs. */
export interface RegistrySyncDeps {
  config: Config;
  store: Pick<DockerEnvStore, 'findEnvironments' | 'appendAudit'>;
  audit?: Pick<AuditTrail, 'emit'>;
  /** Default: the production client of `dockerEnv.portainer`, built at the first pass. */
  portainer?: () => PortainerApi;
}

const prefixOf = (config: Config) =>
  config.getOptionalString('dockerEnv.provisioning.portainer.teamPrefix') ??
  'docker-env-';

/** The environments registered in Portainer (not deleted), with their owner and endpoint. */
async function registryEnvironments(
  store: RegistrySyncDeps['store'],
): Promise<RegistryEnvironment[]> {
  return (await store.findEnvironments({}))
    .filter(e => e.portainerEndpointId !== null && e.status !== 'deleted')
    .map(e => ({
      owner: e.owner,
      endpointId: e.portainerEndpointId!,
      environmentId: e.id,
      name: e.name,
    }));
}

/**
 * One pass (see `syncRegistriesOnce`): the configured registries registered, rotated, granted to
 * each owner's team on the owner's environments, withdrawn when unconfigured; one audit row per change.
 */
export async function runRegistrySync(
  deps: RegistrySyncDeps,
  fingerprints: RegistryFingerprints,
): Promise<RegistrySyncReport> {
  const environments = await registryEnvironments(deps.store);
  const envByEndpoint = new Map(
    environments.map(e => [e.endpointId, e.environmentId!]),
  );
  const audit = auditPortainerSyncChange({
    store: deps.store,
    audit: deps.audit,
    actor: REGISTRY_SYNC_ACTOR,
    actionPrefix: 'portainer.registry',
    environmentIdByEndpoint: envByEndpoint,
  });
  return syncRegistriesOnce({
    portainer: (
      deps.portainer ?? (() => PortainerClient.fromConfig(deps.config))
    )(),
    registries: readOwnerRegistries(deps.config),
    prefix: prefixOf(deps.config),
    environments,
    fingerprints,
    onChange: change => audit(change, change.registry),
  });
}

/** What differs between `dockerEnv.registries` and Portainer now (the reconciler flags it). */
export async function judgeRegistryDrift(
  deps: RegistrySyncDeps,
): Promise<RegistryFinding[]> {
  const portainer = (
    deps.portainer ?? (() => PortainerClient.fromConfig(deps.config))
  )();
  const [environments, held, teams, endpoints] = await Promise.all([
    registryEnvironments(deps.store),
    portainer.listRegistries(),
    portainer.listTeams(),
    portainer.listEndpoints(),
  ]);
  const live = new Set(endpoints.map(e => e.id));
  return judgeRegistries({
    registries: readOwnerRegistries(deps.config),
    prefix: prefixOf(deps.config),
    environments: environments.filter(e => live.has(e.endpointId)),
    held,
    teams,
  });
}

/** Schedules the sync (unless `dockerEnv.registrySync.enabled` is false), once across replicas. */
export async function scheduleRegistrySync(
  options: RegistrySyncDeps & {
    scheduler: SchedulerService;
    logger: LoggerService;
  },
): Promise<void> {
  const c = options.config.getOptionalConfig('dockerEnv.registrySync');
  if (c?.getOptionalBoolean('enabled') === false) return;
  // a bad registries config stops the start, not the first pass
  readOwnerRegistries(options.config);
  const frequency = c?.has('frequency')
    ? readDurationFromConfig(c, { key: 'frequency' })
    : DEFAULT_FREQUENCY;
  let portainer: PortainerApi | undefined;
  const deps: RegistrySyncDeps = {
    ...options,
    portainer:
      options.portainer ??
      (() => (portainer ??= PortainerClient.fromConfig(options.config))),
  };
  // per replica: a replica that takes the task over writes each registry's credentials once
  const fingerprints: RegistryFingerprints = new Map();
  await options.scheduler.scheduleTask({
    id: REGISTRY_SYNC_TASK_ID,
    frequency,
    timeout: { minutes: 5 },
    initialDelay: { minutes: 1 },
    scope: 'global',
    fn: async () => {
      const r = await runRegistrySync(deps, fingerprints);
      if (r.changes.length)
        options.logger.info(`Registry sync: ${r.changes.length} changes`);
      for (const f of r.failed)
        options.logger.warn(
          `Registry sync: ${f.registry} not synced, ${f.error}`,
        );
    },
  });
}
