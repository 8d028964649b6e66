import { LoggerService } from '@backstage/backend-plugin-api';
import { ApiRouter } from '@backstage/backend-openapi-utils';
import type { AlertSettings } from '../alerts';
import { AuditTrail } from '../audit';
import type { FinalBackups } from '../backups';
import type { ContainerReads } from '../containers';
import { EnvironmentEvents } from '../events';
import { Notifier } from '../notifications';
import { QuotaService } from '../quotas';
import type { DockerEnvApiSpec } from '@docker-env/plugin-docker-env-common';
import type { SnapshotList } from '../snapshots';
import { StatusCheck } from '../status';
import { DockerEnvStore } from '../store';
import { Access } from './access';
import type { DeploymentRateLimit } from '../deployments/DeploymentRateLimit';
import type { DeploymentSecrets } from '../deployments/DeploymentSecrets';
import type { DeployTokens } from '../tokens';
import type { DriftFlagStore } from '../reconciler';
import type { OwnerInCatalog } from '../quotas/catalogOwners';
import type { UsageReads } from '../usage';
import type { ContainerWatchers } from '../watcher';
import type { TeamSyncTrigger } from '../teams';

/** Everything a route module needs; built once by the plugin. */
export interface RouteContext {
  store: DockerEnvStore;
  access: Access;
  audit: AuditTrail;
  events: EnvironmentEvents;
  notifier: Notifier;
  /** Quotas: effective quota and usage, and the gate `POST /environments` asks. */
  quotas: QuotaService;
  statusChecks: StatusCheck[];
  statusTimeoutMs: number;
  /** This replica's container watchers (their figures on `/status`); undefined when disabled. */
  watchers?: Pick<ContainerWatchers, 'figures'>;
  logger: LoggerService;
  /** The environments' snapshots as Proxmox lists them merged with the portal's records, oldest first. */
  snapshots: SnapshotList;
  /** The final backups of deleted environments (admin routes). */
  finalBackups: FinalBackups;
  /** The environments' containers and logs through their Docker channel. */
  containers: ContainerReads;
  /** CPU, memory, disk and network over time from Proxmox, and per container from the engine (cached). */
  usage: UsageReads;
  /** Deployment tokens (issue, list, revoke, verify). */
  deployTokens: DeployTokens;
  deploymentRateLimit: DeploymentRateLimit;
  /** Env values and registry credentials of queued deployments, sealed until their rollout ends. */
  deploymentSecrets: DeploymentSecrets;
  /** How many days from today an extension of `expiresOn` may reach (`dockerEnv.lifecycle.expiry`). */
  maxExtensionDays: number;
  /** Whether the catalog knows an owner (quota overrides need one it knows). */
  ownerInCatalog: OwnerInCatalog;
  /** `dockerEnv.alerts`: the default rules and how long resolved incidents are listed. */
  alertSettings: AlertSettings;
  /** The reconciler's drift flags. */
  driftFlags: Pick<DriftFlagStore, 'list'>;
  /** Runs the Portainer team sync now, once across replicas; undefined when `dockerEnv.teamSync.enabled` is false. */
  teamSync?: TeamSyncTrigger;
}

/** The typed router every route module adds its routes to. */
export type DockerEnvRouter = ApiRouter<DockerEnvApiSpec>;

/** A concern's routes: one function, listed once in `routes/index.ts`. */
export type RouteModule = (router: DockerEnvRouter, ctx: RouteContext) => void;
