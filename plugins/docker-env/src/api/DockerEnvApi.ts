import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  ApprovalRequest,
  AuditEvent,
  Container,
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

/** Filters of `GET /environments`. */
export interface ListEnvironmentsOptions {
  owner?: string;
  status?: string;
  limit?: number;
  cursor?: string;
}

/** The browser's view of the docker-env backend plugin (paths as in product.md's API table). */
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
}

/** API reference for {@link DockerEnvApi}. */
export const dockerEnvApiRef = createApiRef<DockerEnvApi>().with({
  id: 'plugin.docker-env.api',
});
