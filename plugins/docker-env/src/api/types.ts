/**
 * Shapes of the docker-env HTTP API as the pages use them: all come from the API spec through the common library
 * (`@docker-env/plugin-docker-env-common`, see its README).
 */
import type {
  ApprovalRequestRecord,
  AuditEventRecord,
  ComponentType,
  ContainerRecord,
  DeployTokenRecord,
  DriftFlagRecord,
  FinalBackupRecord,
  RouteResponse,
  SnapshotRecord,
} from '@docker-env/plugin-docker-env-common';

export type {
  DriftKind,
  DriftResourceKind,
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
export type Snapshot = SnapshotRecord;
/**
 * A container of an environment.
 *
 * @public
 */
export type Container = ContainerRecord;
/**
 * Resource figures used by quotas.
 *
 * @public
 */
export type QuotaFigures = ComponentType<'QuotaLimits'>;
/**
 * `GET /quotas?owner=`: an owner's effective quota and its usage (null for the default quota).
 *
 * @public
 */
export type QuotaUsage = ComponentType<'EffectiveQuota'>;
/**
 * A request awaiting an admin's decision.
 *
 * @public
 */
export type ApprovalRequest = ApprovalRequestRecord;
/**
 * An entry of the append-only audit log (`GET /audit`).
 *
 * @public
 */
export type AuditEvent = AuditEventRecord;
/**
 * A deployment token of an environment; the secret is never listed.
 *
 * @public
 */
export type DeployToken = DeployTokenRecord;
/**
 * Answer of `POST /environments/{name}/tokens`: the token itself, shown once.
 *
 * @public
 */
export type CreatedDeployToken =
  RouteResponse<'POST /environments/{name}/tokens'>;
/**
 * A drift flag the reconciler raised.
 *
 * @public
 */
export type DriftFlag = DriftFlagRecord;
/**
 * A deleted environment's final backup (`GET /backups`, admins).
 *
 * @public
 */
export type FinalBackup = FinalBackupRecord;

/**
 * `GET /environments/{name}/usage`: series, limits, current values and per-container figures.
 *
 * @public
 */
export type Usage = RouteResponse<'GET /environments/{name}/usage'>;
