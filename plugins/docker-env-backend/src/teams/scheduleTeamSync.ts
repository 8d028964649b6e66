import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { type Config, readDurationFromConfig } from '@backstage/config';
import type { HumanDuration } from '@backstage/types';
import { PortainerClient } from '@docker-env/plugin-docker-env-node';
import {
  syncTeamsOnce,
  type TeamResolver,
  type TeamSyncReport,
} from '@docker-env/plugin-docker-env-workflows-node';
import { type AuditTrail, auditPortainerSyncChange } from '../audit';
import type { DockerEnvStore } from '../store';

/** The scheduler task id (global scope: one pass at a time across replicas). */
export const TEAM_SYNC_TASK_ID = 'docker-env-team-sync';

/** The actor the sync writes in the audit log. */
export const TEAM_SYNC_ACTOR = 'plugin:docker-env/team-sync';

const DEFAULT_FREQUENCY: HumanDuration = { minutes: 10 };

/** `dockerEnv.teamSync`: whether it runs, and how often (a duration object or ISO 8601 string; default 10 minutes). */
export function teamSyncScheduleFromConfig(config: Config): {
  enabled: boolean;
  frequency: HumanDuration;
} {
  const c = config.getOptionalConfig('dockerEnv.teamSync');
  return {
    enabled: c?.getOptionalBoolean('enabled') ?? true,
    frequency: c?.has('frequency')
      ? readDurationFromConfig(c, { key: 'frequency' })
      : DEFAULT_FREQUENCY,
  };
}

/** What a pass needs. */
export interface TeamSyncDeps {
  config: Config;
  store: Pick<DockerEnvStore, 'findEnvironments' | 'appendAudit'>;
  teams: TeamResolver;
  audit?: Pick<AuditTrail, 'emit'>;
  /** Default: the production client of `dockerEnv.portainer`, built at the first pass. */
  portainer?: () => PortainerClient;
}

/**
 * One pass over every environment registered in Portainer: each owner's team gets exactly the
 * owner's current direct members (see `syncTeamsOnce`); every change is one audit row.
 */
export async function runTeamSync(deps: TeamSyncDeps): Promise<TeamSyncReport> {
  const environments = (await deps.store.findEnvironments({}))
    .filter(e => e.portainerEndpointId !== null && e.status !== 'deleted')
    .map(e => ({
      id: e.id,
      owner: e.owner,
      endpointId: e.portainerEndpointId!,
    }));
  const envByEndpoint = new Map(environments.map(e => [e.endpointId, e.id]));
  const audit = auditPortainerSyncChange({
    store: deps.store,
    audit: deps.audit,
    actor: TEAM_SYNC_ACTOR,
    actionPrefix: 'portainer.team',
    environmentIdByEndpoint: envByEndpoint,
  });
  return syncTeamsOnce({
    portainer: (
      deps.portainer ?? (() => PortainerClient.fromConfig(deps.config))
    )(),
    prefix:
      deps.config.getOptionalString(
        'dockerEnv.provisioning.portainer.teamPrefix',
      ) ?? 'docker-env-',
    teams: deps.teams,
    environments,
    onChange: change => audit(change, change.team),
  });
}

/** Runs the scheduled sync now: the scheduler's trigger of its task, so one pass runs across replicas. */
export interface TeamSyncTrigger {
  trigger(): Promise<void>;
}

/**
 * Schedules the sync (unless `dockerEnv.teamSync.enabled` is false), once across replicas; answers its trigger
 * (undefined when disabled).
 */
export async function scheduleTeamSync(
  options: TeamSyncDeps & {
    scheduler: SchedulerService;
    logger: LoggerService;
  },
): Promise<TeamSyncTrigger | undefined> {
  const { enabled, frequency } = teamSyncScheduleFromConfig(options.config);
  if (!enabled) return undefined;
  let portainer: PortainerClient | undefined;
  const deps: TeamSyncDeps = {
    ...options,
    portainer:
      options.portainer ??
      (() => (portainer ??= PortainerClient.fromConfig(options.config))),
  };
  await options.scheduler.scheduleTask({
    id: TEAM_SYNC_TASK_ID,
    frequency,
    timeout: { minutes: 5 },
    initialDelay: { minutes: 1 },
    scope: 'global',
    fn: async () => {
      const r = await runTeamSync(deps);
      if (r.changes.length)
        options.logger.info(`Team sync: ${r.changes.length} changes`);
      if (r.notInPortainer.length)
        options.logger.info(
          `Team sync: not in Portainer yet (added on the first pass after their first login): ${r.notInPortainer
            .map(x => x.user)
            .join(', ')}`,
        );
      for (const f of r.failed)
        options.logger.warn(`Team sync: ${f.owner} not synced, ${f.error}`);
    },
  });
  return { trigger: () => options.scheduler.triggerTask(TEAM_SYNC_TASK_ID) };
}
