import { ResponseError } from '@backstage/errors';
import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import {
  DockerEnvApi,
  ListDriftOptions,
  ListEnvironmentsOptions,
} from './DockerEnvApi';
import {
  ApprovalRequest,
  AuditEvent,
  Container,
  CreatedDeployToken,
  DriftFlag,
  FinalBackup,
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

const enc = encodeURIComponent;

/** Lists come either bare or as `{items}`; the API table uses `{items}`. */
function itemsOf<T>(body: T[] | { items: T[] }): T[] {
  return Array.isArray(body) ? body : body.items;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * HTTP client of the docker-env backend plugin.
 *
 * @public
 */
export class DockerEnvClient implements DockerEnvApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listEnvironments(
    options: ListEnvironmentsOptions = {},
  ): Promise<ListEnvironmentsResponse> {
    return this.request(
      `/environments${query({ ...options } as Record<string, string>)}`,
    );
  }

  async getEnvironment(name: string): Promise<Environment> {
    return this.request(`/environments/${enc(name)}`);
  }

  async checkName(
    name: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<NameAvailability> {
    return this.request(`/names/${enc(name)}`, { signal: options.signal });
  }

  async extendEnvironment(
    name: string,
    expiresOn: string,
  ): Promise<Environment> {
    return this.request(`/environments/${enc(name)}`, {
      method: 'PATCH',
      body: { expiresOn },
    });
  }

  async pauseEnvironment(name: string): Promise<Operation> {
    return this.operation(`/environments/${enc(name)}/pause`, 'POST');
  }

  async resumeEnvironment(name: string): Promise<Operation> {
    return this.operation(`/environments/${enc(name)}/resume`, 'POST');
  }

  async deleteEnvironment(
    name: string,
    confirmName: string,
  ): Promise<Operation> {
    return this.operation(
      `/environments/${enc(name)}${query({ confirmName })}`,
      'DELETE',
    );
  }

  async listOperations(name: string): Promise<Operation[]> {
    return itemsOf(await this.request(`/environments/${enc(name)}/operations`));
  }

  /** The backend lists Proxmox's snapshots (`snaptime` in epoch seconds); the UI reads `createdAt`. */
  async listSnapshots(name: string): Promise<Snapshot[]> {
    const items = itemsOf<Snapshot & { snaptime?: number }>(
      await this.request(`/environments/${enc(name)}/snapshots`),
    );
    return items.map(({ snaptime, ...snapshot }) => ({
      ...snapshot,
      createdAt:
        snapshot.createdAt ??
        (snaptime !== undefined
          ? new Date(snaptime * 1000).toISOString()
          : undefined),
    }));
  }

  async createSnapshot(name: string, description: string): Promise<Operation> {
    return this.operation(`/environments/${enc(name)}/snapshots`, 'POST', {
      description,
    });
  }

  async rollbackSnapshot(name: string, snapshot: string): Promise<Operation> {
    return this.operation(
      `/environments/${enc(name)}/snapshots/${enc(snapshot)}/rollback`,
      'POST',
    );
  }

  async deleteSnapshot(name: string, snapshot: string): Promise<Operation> {
    return this.operation(
      `/environments/${enc(name)}/snapshots/${enc(snapshot)}`,
      'DELETE',
    );
  }

  async listContainers(name: string): Promise<Container[]> {
    return itemsOf(await this.request(`/environments/${enc(name)}/containers`));
  }

  async getContainerLogs(
    name: string,
    container: string,
    tail = 200,
  ): Promise<string> {
    const body = await this.request<{ logs: string } | string>(
      `/environments/${enc(name)}/containers/${enc(container)}/logs${query({
        tail,
      })}`,
    );
    return typeof body === 'string' ? body : body.logs;
  }

  async getQuota(owner: string): Promise<QuotaUsage> {
    return this.request(`/quotas${query({ owner })}`);
  }

  async getDefaultQuota(): Promise<Omit<QuotaUsage, 'usage'>> {
    return this.request('/quotas/default');
  }

  async setQuota(owner: string, quota: Partial<QuotaFigures>): Promise<void> {
    await this.request(`/quotas/${enc(owner)}`, { method: 'PUT', body: quota });
  }

  async listRequests(status = 'pending'): Promise<ApprovalRequest[]> {
    return itemsOf(await this.request(`/requests${query({ status })}`));
  }

  async approveRequest(id: string): Promise<void> {
    await this.request(`/requests/${enc(id)}/approve`, { method: 'POST' });
  }

  async rejectRequest(id: string, reason: string): Promise<void> {
    await this.request(`/requests/${enc(id)}/reject`, {
      method: 'POST',
      body: { reason },
    });
  }

  async listAuditEvents(filter: {
    environment?: string;
    actor?: string;
  }): Promise<AuditEvent[]> {
    return itemsOf(await this.request(`/audit${query(filter)}`));
  }

  async getPlatformStatus(): Promise<StatusResponse> {
    return this.request('/status');
  }

  async listDeployTokens(name: string): Promise<DeployToken[]> {
    return itemsOf(await this.request(`/environments/${enc(name)}/tokens`));
  }

  async createDeployToken(
    name: string,
    input: { description: string; expiresOn?: string },
  ): Promise<CreatedDeployToken> {
    return this.request(`/environments/${enc(name)}/tokens`, {
      method: 'POST',
      body: input,
    });
  }

  async revokeDeployToken(name: string, id: string): Promise<void> {
    await this.request(`/environments/${enc(name)}/tokens/${enc(id)}`, {
      method: 'DELETE',
    });
  }

  async listDeployments(name: string): Promise<Operation[]> {
    return itemsOf(
      await this.request(`/environments/${enc(name)}/deployments`),
    );
  }

  async getDeployment(name: string, id: string): Promise<Operation> {
    return this.request(`/environments/${enc(name)}/deployments/${enc(id)}`);
  }

  async listDrift(options: ListDriftOptions = {}): Promise<DriftFlag[]> {
    return itemsOf(
      await this.request(
        `/drift${query({ ...options } as Record<string, string>)}`,
      ),
    );
  }

  async getEnvironmentDrift(name: string): Promise<DriftFlag[]> {
    return itemsOf(await this.request(`/environments/${enc(name)}/drift`));
  }

  async listFinalBackups(): Promise<FinalBackup[]> {
    return itemsOf(await this.request('/backups'));
  }

  async restoreFinalBackup(
    id: string,
    name: string,
  ): Promise<{ environment: Environment; operation: Operation }> {
    return this.request(`/backups/${enc(id)}/restore`, {
      method: 'POST',
      body: { name },
    });
  }

  /** Lifecycle calls answer `202` with the operation, or `{operation}`. */
  private async operation(
    path: string,
    method: string,
    body?: unknown,
  ): Promise<Operation> {
    const result = await this.request<Operation | { operation: Operation }>(
      path,
      { method, body },
    );
    return 'operation' in result ? result.operation : result;
  }

  private async request<T>(
    path: string,
    init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('docker-env');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method: init.method ?? 'GET',
      signal: init.signal,
      ...(init.body !== undefined && {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(init.body),
      }),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    if (response.status === 204) return undefined as T;
    const type = response.headers.get('content-type') ?? '';
    return (
      type.includes('application/json') ? response.json() : response.text()
    ) as Promise<T>;
  }
}
