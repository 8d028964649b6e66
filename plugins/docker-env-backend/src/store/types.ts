import type {
  Environment,
  EnvironmentSize,
  EnvironmentStatus,
  Operation,
  OperationKind,
} from '@docker-env/plugin-docker-env-common';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import type { QuotaStore } from '../quotas/QuotaStore';

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
}

/** A new operation: queued, holding `lockKey` while queued or running. */
export interface NewOperation {
  environmentId: string;
  kind: OperationKind;
  input: Record<string, unknown>;
  requestedBy: string;
  /** `env:<id>` for lifecycle operations, `deploy:<id>:<container>` for deployments; null holds no lock. */
  lockKey: string | null;
}

/** One append-only audit event. */
export interface AuditEntry {
  actor: string;
  action: string;
  target: string | null;
  environmentId: string | null;
  result: 'succeeded' | 'refused' | 'failed';
  reason?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

/** A stored audit event. */
export interface AuditEvent extends Required<AuditEntry> {
  id: number;
  at: string;
}

/** Filters of {@link DockerEnvStore.listAuditEvents}. */
export interface AuditQuery {
  environmentId?: string;
  /** With `environmentId`: also the refusals that named the environment without its id (target = the name). */
  environmentName?: string;
  actor?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit?: number;
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

/** A delivery (notification or webhook) as recorded. */
export interface NewDelivery {
  environmentId: string | null;
  operationId: string | null;
  channel: 'notification' | 'webhook';
  event: string;
  recipient: string;
}

/**
 * The backend plugin's records: environments, operations, idempotency keys, deliveries and the audit log.
 *
 * Every method runs on the store's connection, or inside {@link DockerEnvStore.transaction} on that transaction, so
 * a change, its operation and its audit event commit together.
 *
 * @public
 */
export interface DockerEnvStore {
  /** Runs `fn` in one transaction; the store it receives writes inside it. */
  transaction<T>(fn: (tx: DockerEnvStore) => Promise<T>): Promise<T>;
  /** The quota and approval records on the same connection (inside a transaction, on that transaction). */
  quotas(): QuotaStore;

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
  /** The record that holds the name, else the newest record that had it; the permission filter applies when given. */
  getEnvironmentByName(
    name: string,
    filter?: PermissionCriteria<EnvironmentQuery>,
  ): Promise<Environment | undefined>;
  /** True when a record in a name-holding status has this name. */
  isNameHeld(name: string): Promise<boolean>;
  listEnvironments(query: EnvironmentListQuery): Promise<EnvironmentPage>;

  /**
   * Inserts a queued operation. Throws `ConflictError` naming the running operation when another holds `lockKey`.
   */
  insertOperation(input: NewOperation): Promise<Operation>;
  getOperation(id: string): Promise<Operation | undefined>;
  /** The environment's operations, newest first, with their steps. */
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

  /** Appends one audit event (never updated or deleted). */
  appendAudit(entry: AuditEntry): Promise<AuditEvent>;
  listAuditEvents(query: AuditQuery): Promise<AuditEvent[]>;

  /** Records a delivery as pending; returns its id. */
  insertDelivery(input: NewDelivery): Promise<number>;
  /** Records the outcome of a delivery. */
  finishDelivery(
    id: number,
    outcome: {
      status: 'delivered' | 'failed';
      attempts: number;
      error?: string;
    },
  ): Promise<void>;
  listDeliveries(environmentId: string): Promise<
    Array<
      NewDelivery & {
        id: number;
        status: string;
        attempts: number;
        error: string | null;
      }
    >
  >;
}
