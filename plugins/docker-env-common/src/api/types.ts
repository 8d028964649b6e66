import type {
  EnvironmentSize,
  EnvironmentStatus,
  OperationKind,
  OperationStatus,
  OperationStepStatus,
  SizePresetName,
} from '../types';
import type { ComponentType } from './spec/types';

/**
 * One environment as the HTTP API returns it.
 *
 * @public
 */
export interface Environment {
  id: string;
  name: string;
  /** Owner entity ref, `user:default/alice` or `group:default/team-a`. */
  owner: string;
  status: EnvironmentStatus;
  /** Why the status is what it is (a failure, a rejection), when there is a reason. */
  statusReason: string | null;
  /**
   * What an operation that did not succeed left behind (`cleanup_required`), one entry per resource or step, e.g.
   * `lxc: CT 105 on pve`; a DELETE removes them. Absent when nothing is known to remain.
   */
  leftovers?: string[];
  size: EnvironmentSize;
  cpuCores: number;
  memoryMb: number;
  diskGb: number;
  purpose: string;
  /** `YYYY-MM-DD`, or null when the environment does not expire. */
  expiresOn: string | null;
  url: string | null;
  portainerUrl: string | null;
  vmid: number | null;
  node: string | null;
  /** NetBox id of the environment's virtual machine record, once provisioning registered it. */
  netboxVmId: number | null;
  /** Portainer endpoint id of the environment's agent, once provisioning registered it. */
  portainerEndpointId: number | null;
  /** Entity ref of the user who requested it. */
  createdBy: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  updatedAt: string;
}

/**
 * One recorded step of an operation (the step contract itself is `OperationStep` in docker-env-node).
 *
 * @public
 */
export interface OperationStepRecord {
  position: number;
  name: string;
  status: OperationStepStatus;
  startedAt: string | null;
  endedAt: string | null;
  /** What the step learnt (vmid, node, ip, endpointId, ...). */
  facts: Record<string, unknown>;
  error: string | null;
}

/**
 * One operation (provision, pause, ...) with its steps.
 *
 * @public
 */
export interface Operation {
  id: string;
  environmentId: string;
  kind: OperationKind;
  status: OperationStatus;
  input: Record<string, unknown>;
  result: Record<string, unknown> | null;
  /** `step <name>: <reason>` when it failed. */
  error: string | null;
  failedStep: string | null;
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  attempts: number;
  steps: OperationStepRecord[];
}

/**
 * Body of `POST /environments`: a preset `size`, or `cpuCores` + `memoryMb` + `diskGb`.
 *
 * @public
 */
export interface CreateEnvironmentRequest {
  name: string;
  owner: string;
  size?: SizePresetName;
  cpuCores?: number;
  memoryMb?: number;
  diskGb?: number;
  purpose?: string;
  /** `YYYY-MM-DD`, today or later. */
  expiresOn?: string;
}

/**
 * Answer of `POST /environments` (202): the provision operation, or (over quota) the approval request.
 *
 * @public
 */
export interface CreateEnvironmentResponse {
  environment: Environment;
  operation?: Operation;
  request?: ComponentType<'ApprovalRequest'>;
}

/**
 * Query of `GET /environments`.
 *
 * @public
 */
export interface ListEnvironmentsQuery {
  owner?: string;
  status?: EnvironmentStatus;
  limit?: number;
  cursor?: string;
}

/**
 * Answer of `GET /environments`.
 *
 * @public
 */
export interface ListEnvironmentsResponse {
  items: Environment[];
  totalCount: number;
  nextCursor: string | null;
}

/**
 * Why a name cannot be taken.
 *
 * @public
 */
export type NameUnavailableReason = 'invalid' | 'reserved' | 'taken';

/**
 * Answer of `GET /names/{name}`.
 *
 * @public
 */
export interface NameAvailability {
  name: string;
  available: boolean;
  reason: NameUnavailableReason | null;
  /** The broken rules, in words, when the name is invalid or reserved. */
  message: string | null;
}

/**
 * Answer of `GET /environments/{name}/operations`.
 *
 * @public
 */
export interface ListOperationsResponse {
  items: Operation[];
  /** The cursor of the next page (older operations); null on the last page. */
  nextCursor: string | null;
}

/**
 * One external system in `GET /status`.
 *
 * @public
 */
export interface SystemStatus {
  name: string;
  reachable: boolean;
  version: string | null;
  error: string | null;
  latencyMs: number;
}

/**
 * Answer of `GET /status`.
 *
 * @public
 */
export interface StatusResponse {
  ok: boolean;
  systems: SystemStatus[];
  /** The container watchers of the replica that answered; null when disabled there. */
  watcher?: WatcherStatus | null;
}

/**
 * The container watchers' figures on one replica, in `GET /status`.
 *
 * @public
 */
export interface WatcherStatus {
  /** The replica's id (lease owner). */
  replica: string;
  /** Environments this replica watches. */
  environments: number;
  /** Live leases per replica, from the database. */
  environmentsPerReplica: Record<string, number>;
  streamsOpen: number;
  /** Streams that failed or could not be opened since the replica started. */
  reconnects: number;
  eventsReceived: number;
  factsDelivered: number;
  fullPasses: number;
  /** Facts full passes found that the streams had missed. */
  factsFromFullPasses: number;
  /** Event time to delivered fact over the last 2048 facts; null before the first. */
  lagMs: { p50: number; p95: number; max: number; samples: number } | null;
}
