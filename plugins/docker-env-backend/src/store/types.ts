import type {
  Environment,
  EnvironmentSize,
  EnvironmentStatus,
  Operation,
} from '@docker-env/plugin-docker-env-common';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import type {
  AuditEntry,
  AuditEvent,
  AuditQuery,
  AuditStore,
} from '../audit/AuditStore';
import type { FinalBackupStore } from '../backups/FinalBackupStore';
import type { ExpiryWarningStore } from '../expiry/ExpiryWarningStore';
import type {
  Delivery,
  DeliveryOutcome,
  DeliveryStore,
  NewDelivery,
} from '../notifications/DeliveryStore';
import type {
  NewOperation,
  OperationStore,
} from '../operations/OperationStore';
import type { QuotaStore } from '../quotas/types';
import type { DriftFlagStore } from '../reconciler/DriftFlags';
import type { SnapshotStore } from '../snapshots/SnapshotStore';
import type { DeployTokenStore } from '../tokens/DeployTokenStore';
import type { DeploymentSecretStore } from '../secrets/DeploymentSecretStore';
import type { WatchLeaseStore } from '../watcher/WatchLeaseStore';
import type { LabelRouteStore } from '../labelRoutes/LabelRouteStore';
import type { IncidentStore } from '../alerts/IncidentStore';
import type { AlertRuleStore } from '../alerts/AlertRuleStore';

export type {
  AuditEntry,
  AuditEvent,
  AuditQuery,
  Delivery,
  DeliveryOutcome,
  NewDelivery,
  NewOperation,
};

/** A query fragment the permission rules translate to: `property` is one of `values`. */
export interface EnvironmentQuery {
  property: 'owner' | 'name' | 'status';
  values: string[];
}

/** A new environment record. */
export interface NewEnvironment {
  name: string;
  owner: string;
  status: EnvironmentStatus;
  size: EnvironmentSize;
  cpuCores: number;
  memoryMb: number;
  diskGb: number;
  purpose: string;
  expiresOn: string | null;
  createdBy: string;
}

/** Fields of an environment that later operations change. */
export interface EnvironmentPatch {
  status?: EnvironmentStatus;
  statusReason?: string | null;
  url?: string | null;
  portainerUrl?: string | null;
  vmid?: number | null;
  node?: string | null;
  facts?: Record<string, unknown>;
  /** `YYYY-MM-DD` (an extension). */
  expiresOn?: string | null;
  /** A resize: the preset name (or `custom`) and the resources. */
  size?: EnvironmentSize;
  cpuCores?: number;
  memoryMb?: number;
  diskGb?: number;
  /** A transfer: the new owner's entity ref. */
  owner?: string;
}

/** Query of {@link DockerEnvStore.findEnvironments}: every condition given must hold. */
export interface EnvironmentSelection {
  statuses?: readonly EnvironmentStatus[];
  owner?: string;
  ids?: readonly string[];
  /** Only those with an `expiresOn`. */
  expiring?: boolean;
  /** Only those with a CT (`vmid` set). */
  withVmid?: boolean;
}

/** Query of {@link DockerEnvStore.listEnvironments}. */
export interface EnvironmentListQuery {
  owner?: string;
  status?: EnvironmentStatus;
  limit: number;
  cursor?: string;
  /** The permission filter (from a conditional decision), applied in the query. */
  filter?: PermissionCriteria<EnvironmentQuery>;
}

/** One page of environments. */
export interface EnvironmentPage {
  items: Environment[];
  totalCount: number;
  nextCursor: string | null;
}

/** A stored answer to a request sent with an `Idempotency-Key`. */
export interface IdempotentAnswer {
  requestHash: string;
  statusCode: number;
  response: unknown;
}

/**
 * The backend plugin's records: environments and idempotency keys, and the store of each other table (operations,
 * quotas and approval requests, tokens, snapshots, final backups, drift flags, expiry warnings, deliveries and the
 * audit log), each on the same connection.
 *
 * Every method runs on the store's connection, or inside {@link DockerEnvStore.transaction} on that transaction (and
 * so do the stores it hands out), so a change, its operation and its audit event commit together.
 *
 * @public
 */
export interface DockerEnvStore {
  /** Runs `fn` in one transaction; the store it receives (and every store that one hands out) writes inside it. */
  transaction<T>(fn: (tx: DockerEnvStore) => Promise<T>): Promise<T>;
  /** The operations and their steps. */
  operations(): OperationStore;
  /** The quota and approval records. */
  quotas(): QuotaStore;
  /** The deployment tokens. */
  tokens(): DeployTokenStore;
  /** The sealed secrets of queued deployments. */
  deploymentSecrets(): DeploymentSecretStore;
  /** The snapshot records. */
  snapshots(): SnapshotStore;
  /** The final backups of deleted environments. */
  finalBackups(): FinalBackupStore;
  /** The reconciler's drift flags. */
  driftFlags(): DriftFlagStore;
  /** The expiry warnings sent. */
  expiryWarnings(): ExpiryWarningStore;
  /** The container watchers' leases (one replica watches each environment). */
  watchLeases(): WatchLeaseStore;
  /** The routes asked for by container labels. */
  labelRoutes(): LabelRouteStore;
  /** The append-only audit log. */
  audit(): AuditStore;
  /** The notification and webhook deliveries. */
  deliveries(): DeliveryStore;
  /** The alert incidents. */
  incidents(): IncidentStore;
  /** The environments' alert rules. */
  alertRules(): AlertRuleStore;

  /**
   * Inserts an environment. Throws `ConflictError` when a record holding the name exists (the partial unique index
   * decides, so concurrent creates of one name yield exactly one record).
   */
  insertEnvironment(input: NewEnvironment): Promise<Environment>;
  /** Changes an environment; returns the new record, or undefined when there is no such id. */
  updateEnvironment(
    id: string,
    patch: EnvironmentPatch,
  ): Promise<Environment | undefined>;
  getEnvironmentById(id: string): Promise<Environment | undefined>;
  /** What the environment's succeeded operations learnt, merged oldest first (`{}` when none or no such id). */
  getEnvironmentFacts(id: string): Promise<Record<string, unknown>>;
  /** The record that holds the name, else the newest record that had it; the permission filter applies when given. */
  getEnvironmentByName(
    name: string,
    filter?: PermissionCriteria<EnvironmentQuery>,
  ): Promise<Environment | undefined>;
  /** True when a record in a name-holding status has this name. */
  isNameHeld(name: string): Promise<boolean>;
  listEnvironments(query: EnvironmentListQuery): Promise<EnvironmentPage>;
  /** Every environment matching the selection, by name then id (the background tasks' reads). */
  findEnvironments(selection: EnvironmentSelection): Promise<Environment[]>;
  /** Where the engines of the environments in these statuses are (`ip`, `endpointId` from their facts), by name. */
  engineAddresses(
    statuses: readonly EnvironmentStatus[],
  ): Promise<
    Array<{ id: string; name: string; ip?: string; endpointId?: number }>
  >;

  /** {@link OperationStore.insert}. */
  insertOperation(input: NewOperation): Promise<Operation>;
  /** {@link OperationStore.get}. */
  getOperation(id: string): Promise<Operation | undefined>;
  /** {@link OperationStore.listForEnvironment}. */
  listOperations(environmentId: string): Promise<Operation[]>;

  getIdempotentAnswer(
    actor: string,
    key: string,
  ): Promise<IdempotentAnswer | undefined>;
  saveIdempotentAnswer(
    actor: string,
    key: string,
    answer: IdempotentAnswer,
  ): Promise<void>;
  /**
   * Starts the 24 hours after which the keys of an ended operation expire (those naming it, and its environment's
   * keys that named none: a request held for approval; `operationId` null for a rejected one).
   */
  expireIdempotencyKeys(
    ended: { environmentId: string; operationId: string | null },
    endedAt: Date,
  ): Promise<void>;
  /** Deletes the expired idempotency keys; answers how many. */
  sweepIdempotencyKeys(now: Date): Promise<number>;

  /** {@link AuditStore.append}. */
  appendAudit(entry: AuditEntry): Promise<AuditEvent>;
  /** {@link AuditStore.list}. */
  listAuditEvents(query: AuditQuery): Promise<AuditEvent[]>;

  /** {@link DeliveryStore.insert}. */
  insertDelivery(input: NewDelivery): Promise<number>;
  /** {@link DeliveryStore.finish}. */
  finishDelivery(id: number, outcome: DeliveryOutcome): Promise<void>;
  /** {@link DeliveryStore.list}. */
  listDeliveries(environmentId: string): Promise<Delivery[]>;
}
