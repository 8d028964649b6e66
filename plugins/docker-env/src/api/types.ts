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
  /** `none` (or null) when the container has no health check. */
  health?: string | null;
  restartCount?: number;
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
  /** Which quota the request exceeds. */
  quotaReason?: string;
  reason?: string | null;
  cpuCores?: number;
  memoryMb?: number;
  diskGb?: number;
  size?: string;
}

/** An entry of the append-only audit log (`GET /audit`). */
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

/** A deployment token of an environment (`GET /environments/{name}/tokens`); the secret is never listed. */
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

/** Answer of `POST /environments/{name}/tokens`: the token itself, shown once. */
export interface CreatedDeployToken extends DeployToken {
  token: string;
}
