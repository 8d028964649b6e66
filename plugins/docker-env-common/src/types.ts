/**
 * Every status an environment can have, in lifecycle order (product.md, "Status values").
 *
 * @public
 */
export const ENVIRONMENT_STATUSES = [
  'pending_approval',
  'provisioning',
  'ready',
  'pausing',
  'paused',
  'resuming',
  'deleting',
  'deleted',
  'failed',
  'cleanup_required',
  'rejected',
] as const;

/**
 * Lifecycle status of a Docker environment.
 *
 * @public
 */
export type EnvironmentStatus = (typeof ENVIRONMENT_STATUSES)[number];

/**
 * The statuses in which an environment holds its name (a partial unique index enforces it) and counts in the owner's
 * quota usage; `failed`, `rejected` and `deleted` records keep their history and free the name. `cleanup_required`
 * holds it: an operation left resources behind (an undo failed, or a call completed after the step gave up on it),
 * and a DELETE removes them.
 *
 * @public
 */
export const NAME_HOLDING_STATUSES = [
  'pending_approval',
  'provisioning',
  'ready',
  'pausing',
  'paused',
  'resuming',
  'deleting',
  'cleanup_required',
] as const satisfies readonly EnvironmentStatus[];

/**
 * The statuses a DELETE starts from: settled ones, a delete that stopped half-way (`deleting`), and the two an
 * operation that did not succeed leaves (`failed`, `cleanup_required`); the delete steps tolerate missing pieces.
 *
 * @public
 */
export const DELETABLE_STATUSES = [
  'ready',
  'paused',
  'deleting',
  'failed',
  'cleanup_required',
] as const satisfies readonly EnvironmentStatus[];

/**
 * The settled statuses in which an environment holds its CT, Portainer endpoint, NetBox VM and routes: the background
 * tasks (expiry, snapshot retention, the reconciler) act on environments in these.
 *
 * @public
 */
export const SETTLED_ENVIRONMENT_STATUSES = [
  'ready',
  'paused',
] as const satisfies readonly EnvironmentStatus[];

/**
 * The statuses an operation moves an environment through, until it ends.
 *
 * @public
 */
export const MOVING_ENVIRONMENT_STATUSES = [
  'provisioning',
  'pausing',
  'resuming',
  'deleting',
] as const satisfies readonly EnvironmentStatus[];

/**
 * True when an environment in this status holds its name.
 *
 * @public
 */
export function isNameHoldingStatus(status: string): boolean {
  return (NAME_HOLDING_STATUSES as readonly string[]).includes(status);
}

/**
 * Kinds of operation: every change to an environment is one.
 *
 * @public
 */
export const OPERATION_KINDS = [
  'provision',
  'pause',
  'resume',
  'snapshot_create',
  'snapshot_rollback',
  'snapshot_delete',
  'delete',
  'deploy',
  'restore',
  'resize',
  'transfer',
] as const;

/**
 * The kind of an operation.
 *
 * @public
 */
export type OperationKind = (typeof OPERATION_KINDS)[number];

/**
 * Statuses of an operation; `queued` and `running` hold the operation's lock.
 *
 * @public
 */
export const OPERATION_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'rolled_back',
] as const;

/**
 * The status of an operation.
 *
 * @public
 */
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

/**
 * Operation statuses that hold the lock key (one lifecycle operation per environment at a time).
 *
 * @public
 */
export const ACTIVE_OPERATION_STATUSES = [
  'queued',
  'running',
] as const satisfies readonly OperationStatus[];

/**
 * True when an operation in this status holds its lock (it is queued or running).
 *
 * @public
 */
export function isActiveOperationStatus(status: string): boolean {
  return (ACTIVE_OPERATION_STATUSES as readonly string[]).includes(status);
}

/**
 * Statuses of a `deploy` operation whose container counts against the owner's quota: queued and running ones reserve
 * it, a succeeded one holds it; a failed or rolled-back first deploy left nothing.
 *
 * @public
 */
export const CONTAINER_HOLDING_OPERATION_STATUSES = [
  ...ACTIVE_OPERATION_STATUSES,
  'succeeded',
] as const satisfies readonly OperationStatus[];

/**
 * Statuses of one recorded step of an operation.
 *
 * @public
 */
export const OPERATION_STEP_STATUSES = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'undoing',
  'undone',
  'skipped',
] as const;

/**
 * The status of one recorded step.
 *
 * @public
 */
export type OperationStepStatus = (typeof OPERATION_STEP_STATUSES)[number];

/**
 * Resources of an environment: CPU cores, memory in MiB and disk in GiB.
 *
 * @public
 */
export interface EnvironmentResources {
  cpuCores: number;
  memoryMb: number;
  diskGb: number;
}

/**
 * The named size presets offered by the Create wizard.
 *
 * @public
 */
export type SizePresetName = 'S' | 'M' | 'L';

/**
 * A preset name, or `custom` when CPU, memory and disk were given one by one.
 *
 * @public
 */
export type EnvironmentSize = SizePresetName | 'custom';

/**
 * Default resources of each size preset.
 *
 * @public
 */
export const SIZE_PRESETS: Record<SizePresetName, EnvironmentResources> = {
  S: { cpuCores: 1, memoryMb: 2048, diskGb: 16 },
  M: { cpuCores: 2, memoryMb: 4096, diskGb: 32 },
  L: { cpuCores: 4, memoryMb: 8192, diskGb: 64 },
};

/**
 * Bounds a custom size must stay within.
 *
 * @public
 */
export const RESOURCE_LIMITS: Record<
  keyof EnvironmentResources,
  { min: number; max: number }
> = {
  cpuCores: { min: 1, max: 16 },
  memoryMb: { min: 512, max: 65536 },
  diskGb: { min: 8, max: 512 },
};

/**
 * Annotation carried by every environment entity in the catalog.
 *
 * @public
 */
export const DOCKER_ENV_ANNOTATION = 'docker-env.io/environment';

/**
 * Annotation carrying an environment's status on its catalog entity.
 *
 * @public
 */
export const DOCKER_ENV_STATUS_ANNOTATION = 'docker-env.io/status';

/**
 * Backstage events topic on which the backend plugin publishes every change of an environment.
 *
 * @public
 */
export const DOCKER_ENV_EVENTS_TOPIC = 'docker-env.environment';

/**
 * What kind of drift a reconciler flag says (`GET /drift`).
 *
 * @public
 */
export const DRIFT_KINDS = [
  'ct_missing',
  'ct_stopped',
  'ct_running',
  'ct_address_changed',
  'route_missing',
  'route_changed',
  'endpoint_missing',
  'netbox_missing',
  'registry_missing',
  'registry_changed',
  'registry_access_missing',
  'registry_access_foreign',
  'orphan',
] as const;
/**
 * One of {@link DRIFT_KINDS}.
 *
 * @public
 */
export type DriftKind = (typeof DRIFT_KINDS)[number];

/**
 * The kinds of resources a flag is about.
 *
 * @public
 */
export const DRIFT_RESOURCE_KINDS = [
  'ct',
  'route',
  'portainer_endpoint',
  'netbox_vm',
  'portainer_registry',
] as const;
/**
 * One of {@link DRIFT_RESOURCE_KINDS}.
 *
 * @public
 */
export type DriftResourceKind = (typeof DRIFT_RESOURCE_KINDS)[number];
