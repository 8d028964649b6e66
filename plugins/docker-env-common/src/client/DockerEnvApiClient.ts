import type {
  ComponentType,
  DockerEnvRoute,
  RouteBody,
  RouteQuery,
  RouteResponse,
} from '../api/spec/types';
import { callRoute, DockerEnvClientOptions, RouteCall } from './request';

type Item<R extends DockerEnvRoute> = RouteResponse<R> extends {
  items: readonly (infer T)[];
}
  ? T
  : never;

/**
 * An environment as the API answers it.
 *
 * @public
 */
export type EnvironmentRecord = ComponentType<'Environment'>;
/**
 * An operation with its steps as the API answers it.
 *
 * @public
 */
export type OperationRecord = ComponentType<'Operation'>;
/**
 * One snapshot of `GET /environments/{name}/snapshots`; `createdAt` is Proxmox's `snaptime` when the portal did not take it.
 *
 * @public
 */
export type SnapshotRecord = Item<'GET /environments/{name}/snapshots'>;
/**
 * One container of `GET /environments/{name}/containers`.
 *
 * @public
 */
export type ContainerRecord = Item<'GET /environments/{name}/containers'>;
/**
 * One deployment token of `GET /environments/{name}/tokens` (never its value).
 *
 * @public
 */
export type DeployTokenRecord = Item<'GET /environments/{name}/tokens'>;
/**
 * One drift flag of `GET /drift`.
 *
 * @public
 */
export type DriftFlagRecord = Item<'GET /drift'>;
/**
 * One final backup of `GET /backups`.
 *
 * @public
 */
export type FinalBackupRecord = Item<'GET /backups'>;
/**
 * One approval request of `GET /requests`.
 *
 * @public
 */
export type ApprovalRequestRecord = Item<'GET /requests'>;
/**
 * One audit event of `GET /audit`.
 *
 * @public
 */
export type AuditEventRecord = Item<'GET /audit'>;

/** Proxmox's `snaptime` (epoch seconds) as `createdAt` when the portal did not take the snapshot. */
function withCreatedAt(snapshot: SnapshotRecord): SnapshotRecord {
  if (snapshot.createdAt || snapshot.snaptime === undefined) return snapshot;
  return {
    ...snapshot,
    createdAt: new Date(snapshot.snaptime * 1000).toISOString(),
  };
}

/**
 * The one client of the docker-env backend's HTTP API, for the frontend, the catalog module, the scaffolder action
 * and scripts. Every route and type comes from the OpenAPI spec in `../api/spec` (see the package README): `call` sends
 * any route of it; the named methods are the calls the plugins make, lists unwrapped to their `items` except
 * `listEnvironments`, which pages.
 *
 * @public
 */
export class DockerEnvApiClient {
  constructor(private readonly options: DockerEnvClientOptions) {}

  /** Sends any route of the spec, typed by it. */
  call<R extends DockerEnvRoute>(
    route: R,
    call?: NoInfer<RouteCall<R>>,
  ): Promise<RouteResponse<R>> {
    return callRoute(this.options, route, call);
  }

  /** One page of environments; `nextCursor` leads to the next. */
  listEnvironments(query: RouteQuery<'GET /environments'> = {}) {
    return this.call('GET /environments', { query });
  }

  /** Every environment the caller may read, all pages (`pageSize` per call, the API allows 500). */
  async listAllEnvironments(pageSize = 500): Promise<EnvironmentRecord[]> {
    const all: EnvironmentRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.listEnvironments({ limit: pageSize, cursor });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }

  /** Creates an environment; `idempotencyKey` makes a retry answer the first answer. */
  createEnvironment(
    body: RouteBody<'POST /environments'>,
    options: { idempotencyKey?: string } = {},
  ) {
    return this.call('POST /environments', {
      body,
      headers: options.idempotencyKey
        ? { 'Idempotency-Key': options.idempotencyKey }
        : {},
    });
  }

  getEnvironment(name: string) {
    return this.call('GET /environments/{name}', { params: { name } });
  }

  checkName(name: string, options: { signal?: AbortSignal } = {}) {
    return this.call('GET /names/{name}', {
      params: { name },
      signal: options.signal,
    });
  }

  /** Extends the expiry date (`PATCH /environments/{name}` with `expiresOn`). */
  extendEnvironment(name: string, expiresOn: string) {
    return this.call('PATCH /environments/{name}', {
      params: { name },
      body: { expiresOn },
    });
  }

  /** Resizes (`PATCH /environments/{name}` with `size` or resources): the environment and the `resize` operation. */
  async resizeEnvironment(
    name: string,
    resources:
      | { size: 'S' | 'M' | 'L' }
      | { cpuCores?: number; memoryMb?: number; diskGb?: number },
  ): Promise<{ environment: EnvironmentRecord; operation: OperationRecord }> {
    const answer: unknown = await this.call('PATCH /environments/{name}', {
      params: { name },
      body: resources,
    });
    // the route answers the extended environment (200) or this (202); a resize body gets the 202
    return answer as {
      environment: EnvironmentRecord;
      operation: OperationRecord;
    };
  }

  /** Transfers to another owner (`PATCH /environments/{name}` with `owner`): the environment and the `transfer` operation. */
  async transferEnvironment(
    name: string,
    owner: string,
  ): Promise<{ environment: EnvironmentRecord; operation: OperationRecord }> {
    const answer: unknown = await this.call('PATCH /environments/{name}', {
      params: { name },
      body: { owner },
    });
    // an owner body gets the 202 (see resizeEnvironment)
    return answer as {
      environment: EnvironmentRecord;
      operation: OperationRecord;
    };
  }

  /** Admins: runs the Portainer team sync now (`POST /team-sync`), once across replicas. */
  triggerTeamSync() {
    return this.call('POST /team-sync', {});
  }

  /** CPU, memory, disk and network over `range`, the limits, and per container (`GET /environments/{name}/usage`). */
  getUsage(name: string, range: 'hour' | 'day' | 'week' | 'month' = 'hour') {
    return this.call('GET /environments/{name}/usage', {
      params: { name },
      query: { range },
    });
  }

  async pauseEnvironment(name: string): Promise<OperationRecord> {
    return (
      await this.call('POST /environments/{name}/pause', { params: { name } })
    ).operation;
  }

  async resumeEnvironment(name: string): Promise<OperationRecord> {
    return (
      await this.call('POST /environments/{name}/resume', { params: { name } })
    ).operation;
  }

  /** Deletes after a final backup; `confirmName` must repeat the name. */
  async deleteEnvironment(
    name: string,
    confirmName: string,
  ): Promise<OperationRecord> {
    return (
      await this.call('DELETE /environments/{name}', {
        params: { name },
        query: { confirmName },
      })
    ).operation;
  }

  /** The newest operations of the environment (the first page). */
  async listOperations(name: string): Promise<OperationRecord[]> {
    return (await this.listOperationsPage(name)).items;
  }

  /** One page of the environment's operations, newest first; `nextCursor` leads to older ones. */
  listOperationsPage(
    name: string,
    query: RouteQuery<'GET /environments/{name}/operations'> = {},
  ) {
    return this.call('GET /environments/{name}/operations', {
      params: { name },
      query,
    });
  }

  async listSnapshots(name: string): Promise<SnapshotRecord[]> {
    const page = await this.call('GET /environments/{name}/snapshots', {
      params: { name },
    });
    return page.items.map(withCreatedAt);
  }

  async createSnapshot(
    name: string,
    description: string,
  ): Promise<OperationRecord> {
    return (
      await this.call('POST /environments/{name}/snapshots', {
        params: { name },
        body: { description },
      })
    ).operation;
  }

  async rollbackSnapshot(
    name: string,
    snapshot: string,
  ): Promise<OperationRecord> {
    return (
      await this.call(
        'POST /environments/{name}/snapshots/{snapshot}/rollback',
        { params: { name, snapshot } },
      )
    ).operation;
  }

  async deleteSnapshot(
    name: string,
    snapshot: string,
  ): Promise<OperationRecord> {
    return (
      await this.call('DELETE /environments/{name}/snapshots/{snapshot}', {
        params: { name, snapshot },
      })
    ).operation;
  }

  async listContainers(name: string): Promise<ContainerRecord[]> {
    return (
      await this.call('GET /environments/{name}/containers', {
        params: { name },
      })
    ).items;
  }

  /** The last `tail` lines of a container's logs, redacted by the backend. */
  async getContainerLogs(
    name: string,
    container: string,
    tail = 200,
  ): Promise<string> {
    return (
      await this.call('GET /environments/{name}/containers/{container}/logs', {
        params: { name, container },
        query: { tail: String(tail) },
      })
    ).logs;
  }

  getQuota(owner: string) {
    return this.call('GET /quotas', { query: { owner } });
  }

  /** Admins: the owners over their quota, with the fields they are over. */
  async listOverQuota() {
    return (await this.call('GET /quotas/over')).items;
  }

  /** The default quota owners without an override get. */
  getDefaultQuota() {
    return this.call('GET /quotas/default');
  }

  async setQuota(
    owner: string | 'default',
    quota: RouteBody<'PUT /quotas/{entityRef}'>,
  ): Promise<void> {
    await this.call('PUT /quotas/{entityRef}', {
      params: { entityRef: owner },
      body: quota,
    });
  }

  /** Approval requests, the pending ones unless `status` says otherwise. */
  async listRequests(
    status: RouteQuery<'GET /requests'>['status'] = 'pending',
  ): Promise<ApprovalRequestRecord[]> {
    return (await this.call('GET /requests', { query: { status } })).items;
  }

  async approveRequest(id: string): Promise<void> {
    await this.call('POST /requests/{id}/approve', { params: { id } });
  }

  async rejectRequest(id: string, reason: string): Promise<void> {
    await this.call('POST /requests/{id}/reject', {
      params: { id },
      body: { reason },
    });
  }

  async listAuditEvents(
    filter: RouteQuery<'GET /audit'> = {},
  ): Promise<AuditEventRecord[]> {
    return (await this.call('GET /audit', { query: filter })).items;
  }

  getPlatformStatus() {
    return this.call('GET /status');
  }

  async listDeployTokens(name: string): Promise<DeployTokenRecord[]> {
    return (
      await this.call('GET /environments/{name}/tokens', { params: { name } })
    ).items;
  }

  /** `expiresOn` is `YYYY-MM-DD`; the answer carries the token, which is never shown again. */
  createDeployToken(
    name: string,
    input: { description: string; expiresOn?: string },
  ) {
    return this.call('POST /environments/{name}/tokens', {
      params: { name },
      body: input,
    });
  }

  async revokeDeployToken(name: string, id: string): Promise<void> {
    await this.call('DELETE /environments/{name}/tokens/{id}', {
      params: { name, id },
    });
  }

  /** The deployment history (deploy operations). */
  async listDeployments(name: string): Promise<OperationRecord[]> {
    return (
      await this.call('GET /environments/{name}/deployments', {
        params: { name },
      })
    ).items;
  }

  getDeployment(name: string, id: string) {
    return this.call('GET /environments/{name}/deployments/{id}', {
      params: { name, id },
    });
  }

  /** Admins: the reconciler's drift flags (open ones unless `state` says otherwise). */
  async listDrift(
    query: RouteQuery<'GET /drift'> = {},
  ): Promise<DriftFlagRecord[]> {
    return (await this.call('GET /drift', { query })).items;
  }

  /** The open drift flags of one environment (whoever may read it). */
  async getEnvironmentDrift(name: string): Promise<DriftFlagRecord[]> {
    return (
      await this.call('GET /environments/{name}/drift', { params: { name } })
    ).items;
  }

  /** Admins: the final backups of deleted environments not pruned yet. */
  async listFinalBackups(): Promise<FinalBackupRecord[]> {
    return (await this.call('GET /backups')).items;
  }

  /** Admins: restores a final backup into a new environment `name` (same owner and size). */
  restoreFinalBackup(id: string, name: string) {
    return this.call('POST /backups/{id}/restore', {
      params: { id },
      body: { name },
    });
  }
}
