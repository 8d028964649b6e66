/**
 * The shapes of the docker-env HTTP API as product.md's API table describes them.
 * They move to `@docker-env/plugin-docker-env-common` once the backend publishes its types there.
 */

/** Lifecycle status of an environment. */
export type EnvironmentStatus =
  | 'pending_approval'
  | 'provisioning'
  | 'ready'
  | 'pausing'
  | 'paused'
  | 'resuming'
  | 'deleting'
  | 'deleted'
  | 'failed'
  | 'rejected';

/** An environment record (`GET /environments/{name}`). */
export interface Environment {
  id?: string;
  name: string;
  owner: string;
  status: EnvironmentStatus;
  size?: string;
  cpuCores?: number;
  memoryMb?: number;
  diskGb?: number;
  purpose?: string;
  url?: string;
  portainerUrl?: string;
  vmid?: number;
  node?: string;
  createdAt?: string;
  expiresOn?: string | null;
  failureReason?: string;
}

/** One page of a listing. */
export interface Page<T> {
  items: T[];
  totalCount?: number;
  nextCursor?: string;
}

/** What `GET /names/{name}` answers. */
export interface NameCheck {
  available: boolean;
  reason?: string;
}

/** A step of an operation. */
export interface OperationStep {
  name: string;
  status: string;
  startedAt?: string | null;
  endedAt?: string | null;
  error?: string | null;
}

/** A change to an environment (provision, pause, resume, snapshot, delete, ...). */
export interface Operation {
  id: string;
  kind: string;
  status: string;
  requestedBy?: string;
  createdAt?: string;
  startedAt?: string | null;
  endedAt?: string | null;
  error?: string | null;
  steps?: OperationStep[];
}

/** A snapshot of an environment. */
export interface Snapshot {
  name: string;
  description?: string;
  createdAt?: string;
}

/** A container of an environment. */
export interface Container {
  id?: string;
  name: string;
  image?: string;
  state: string;
  status?: string;
  health?: string | null;
}

/** Resource figures used by quotas. */
export interface QuotaFigures {
  cpuCores: number;
  memoryMb: number;
  diskGb: number;
  environments: number;
  containers?: number;
}

/** `GET /quotas?owner=`: an owner's effective quota and its usage. */
export interface QuotaUsage {
  owner: string;
  quota: QuotaFigures;
  usage: QuotaFigures;
  source?: string;
}

/** A request awaiting an admin's decision. */
export interface ApprovalRequest {
  id: string;
  environment: string;
  owner: string;
  requestedBy?: string;
  status: string;
  createdAt?: string;
  reason?: string | null;
  cpuCores?: number;
  memoryMb?: number;
  diskGb?: number;
  size?: string;
}

/** An entry of the append-only audit log. */
export interface AuditEvent {
  id?: string;
  actor: string;
  action: string;
  target?: string;
  environment?: string;
  time: string;
  result: string;
  reason?: string | null;
}

/** Reachability of one external system (`GET /status`). */
export interface SystemStatus {
  name: string;
  up: boolean;
  version?: string | null;
  error?: string | null;
}

/** `GET /status`. */
export interface PlatformStatus {
  systems: SystemStatus[];
}
