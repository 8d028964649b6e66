/**
 * Shapes of the docker-env HTTP API that `@docker-env/plugin-docker-env-common` does not define yet
 * (built from product.md's API table); environments, operations, names and status come from there.
 */
export type {
  Environment,
  EnvironmentStatus,
  ListEnvironmentsResponse,
  NameAvailability,
  Operation,
  OperationStepRecord,
  StatusResponse,
  SystemStatus,
} from '@docker-env/plugin-docker-env-common';

/**
 * A snapshot of an environment.
 *
 * @public
 */
export interface Snapshot {
  name: string;
  description?: string;
  createdAt?: string;
}

/**
 * A container of an environment.
 *
 * @public
 */
export interface Container {
  id?: string;
  name: string;
  image?: string;
  state: string;
  status?: string;
  /** `none` (or null) when the container has no health check. */
  health?: string | null;
  restartCount?: number;
}

/**
 * Resource figures used by quotas.
 *
 * @public
 */
export interface QuotaFigures {
  cpuCores: number;
  memoryMb: number;
  diskGb: number;
  environments: number;
  containers?: number;
}

/**
 * `GET /quotas?owner=`: an owner's effective quota and its usage.
 *
 * @public
 */
export interface QuotaUsage {
  owner: string;
  quota: QuotaFigures;
  usage: QuotaFigures;
  source?: string;
}

/**
 * A request awaiting an admin's decision.
 *
 * @public
 */
export interface ApprovalRequest {
  id: string;
  environment: string;
  owner: string;
  requestedBy?: string;
  status: string;
  createdAt?: string;
  /** Which quota the request exceeds. */
  quotaReason?: string;
  reason?: string | null;
  cpuCores?: number;
  memoryMb?: number;
  diskGb?: number;
  size?: string;
}

/**
 * An entry of the append-only audit log (`GET /audit`).
 *
 * @public
 */
export interface AuditEvent {
  id?: number;
  actor: string;
  action: string;
  target?: string | null;
  environmentId?: string | null;
  /** When it happened (ISO 8601). */
  at: string;
  result: string;
  reason?: string | null;
}

/**
 * A deployment token of an environment (`GET /environments/{name}/tokens`); the secret is never listed.
 *
 * @public
 */
export interface DeployToken {
  id: string;
  environmentId: string;
  description: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/**
 * Answer of `POST /environments/{name}/tokens`: the token itself, shown once.
 *
 * @public
 */
export interface CreatedDeployToken extends DeployToken {
  token: string;
}

/**
 * What kind of drift a reconciler flag says (`GET /drift`).
 *
 * @public
 */
export type DriftKind =
  | 'ct_missing'
  | 'ct_stopped'
  | 'ct_running'
  | 'route_missing'
  | 'route_changed'
  | 'endpoint_missing'
  | 'netbox_missing'
  | 'orphan';

/**
 * The kind of resource a drift flag is about.
 *
 * @public
 */
export type DriftResourceKind =
  | 'ct'
  | 'route'
  | 'portainer_endpoint'
  | 'netbox_vm';

/**
 * A drift flag the reconciler raised: something out of line between the records and the systems.
 *
 * @public
 */
export interface DriftFlag {
  id: number;
  kind: DriftKind;
  resourceKind: DriftResourceKind;
  /** The vmid, route id, Portainer endpoint id or NetBox VM id (the name where the resource is missing). */
  resourceId: string;
  environmentId: string | null;
  environmentName: string | null;
  /** The reconciler's own detail (what it saw). */
  detail: string;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Null while the drift lasts. */
  resolvedAt: string | null;
}

/**
 * A deleted environment's final backup (`GET /backups`, admins).
 *
 * @public
 */
export interface FinalBackup {
  id: string;
  environmentId: string;
  /** The deleted environment's name and owner. */
  environment: string;
  owner: string;
  volid: string;
  node: string;
  vmid: number;
  operationId: string;
  createdAt: string;
  /** When retention prunes it. */
  expiresAt: string;
  /** The id of the environment the last restore of it made, if any. */
  restoredTo: string | null;
}
