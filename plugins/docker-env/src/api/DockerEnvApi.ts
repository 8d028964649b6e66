import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  ApprovalRequest,
  AuditEvent,
  Container,
  DriftFlag,
  DriftKind,
  DriftResourceKind,
  FinalBackup,
  CreatedDeployToken,
  DeployToken,
  Environment,
  NameAvailability,
  Operation,
  ListEnvironmentsResponse,
  StatusResponse,
  QuotaFigures,
  QuotaUsage,
  Snapshot,
} from './types';

/**
 * Filters of `GET /environments`.
 *
 * @public
 */
export interface ListEnvironmentsOptions {
  owner?: string;
  status?: string;
  limit?: number;
  cursor?: string;
}

/**
 * Filters of `GET /drift`; open flags when `state` is left out.
 *
 * @public
 */
export interface ListDriftOptions {
  environment?: string;
  kind?: DriftKind;
  resourceKind?: DriftResourceKind;
  state?: 'open' | 'resolved' | 'all';
  limit?: number;
}

/**
 * The browser's view of the docker-env backend plugin (paths as in product.md's API table).
 *
 * @public
 */
export interface DockerEnvApi {
  listEnvironments(
    options?: ListEnvironmentsOptions,
  ): Promise<ListEnvironmentsResponse>;
  getEnvironment(name: string): Promise<Environment>;
  checkName(
    name: string,
    options?: { signal?: AbortSignal },
  ): Promise<NameAvailability>;
  /** Extends the expiry date (`PATCH /environments/{name}` with `expiresOn`). */
  extendEnvironment(name: string, expiresOn: string): Promise<Environment>;
  pauseEnvironment(name: string): Promise<Operation>;
  resumeEnvironment(name: string): Promise<Operation>;
  deleteEnvironment(name: string, confirmName: string): Promise<Operation>;
  listOperations(name: string): Promise<Operation[]>;
  listSnapshots(name: string): Promise<Snapshot[]>;
  createSnapshot(name: string, description: string): Promise<Operation>;
  rollbackSnapshot(name: string, snapshot: string): Promise<Operation>;
  deleteSnapshot(name: string, snapshot: string): Promise<Operation>;
  listContainers(name: string): Promise<Container[]>;
  getContainerLogs(
    name: string,
    container: string,
    tail?: number,
  ): Promise<string>;
  getQuota(owner: string): Promise<QuotaUsage>;
  /** The default quota owners without an override get (`usage` is null). */
  getDefaultQuota(): Promise<Omit<QuotaUsage, 'usage'>>;
  setQuota(
    owner: string | 'default',
    quota: Partial<QuotaFigures>,
  ): Promise<void>;
  listRequests(status?: string): Promise<ApprovalRequest[]>;
  approveRequest(id: string): Promise<void>;
  rejectRequest(id: string, reason: string): Promise<void>;
  listAuditEvents(filter: {
    environment?: string;
    actor?: string;
  }): Promise<AuditEvent[]>;
  getPlatformStatus(): Promise<StatusResponse>;
  listDeployTokens(name: string): Promise<DeployToken[]>;
  /** `expiresOn` is `YYYY-MM-DD`; the answer carries the token, which is never shown again. */
  createDeployToken(
    name: string,
    input: { description: string; expiresOn?: string },
  ): Promise<CreatedDeployToken>;
  revokeDeployToken(name: string, id: string): Promise<void>;
  /** The deployment history (deploy operations). */
  listDeployments(name: string): Promise<Operation[]>;
  getDeployment(name: string, id: string): Promise<Operation>;
  /** Admins: the reconciler's drift flags. */
  listDrift(options?: ListDriftOptions): Promise<DriftFlag[]>;
  /** The open drift flags of one environment (whoever may read it). */
  getEnvironmentDrift(name: string): Promise<DriftFlag[]>;
  /** Admins: the final backups of deleted environments not pruned yet. */
  listFinalBackups(): Promise<FinalBackup[]>;
  /** Admins: restores a final backup into a new environment `name` (same owner and size). */
  restoreFinalBackup(
    id: string,
    name: string,
  ): Promise<{ environment: Environment; operation: Operation }>;
}

/**
 * API reference for {@link DockerEnvApi}.
 *
 * @public
 */
export const dockerEnvApiRef = createApiRef<DockerEnvApi>().with({
  id: 'plugin.docker-env.api',
});
