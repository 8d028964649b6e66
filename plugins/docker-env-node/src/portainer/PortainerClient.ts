import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { buildFromConfig, readBaseUrl, readTimeoutMs } from '../config';
import { UpstreamApiError } from '../errors';
import {
  MANAGED_BY,
  OwnershipConflictError,
  assertEnvironmentId,
  portainerEnvironmentTag,
} from '../ownership';
import { PortainerRegistries } from './PortainerRegistries';
import { agentEndpointUrl, id, toEndpoint, toTag } from './mapping';
import type {
  DockerContainerSummary,
  PortainerApi,
  PortainerEndpoint,
  PortainerTag,
} from './types';
import { assertDockerPath, assertPortainerName } from './validate';

/**
 * Portainer CE 2.x API client: agent environments, teams and memberships, environment and registry
 * access, and the Docker API proxied through Portainer. Inputs are checked before any request;
 * failures are {@link UpstreamApiError}s carrying Portainer's `{message, details}`.
 *
 * @public
 */
export class PortainerClient
  extends PortainerRegistries
  implements PortainerApi
{
  /**
   * Reads `dockerEnv.portainer` (baseUrl without `/api`, apiKey, timeoutMs, allowInsecure); a bad
   * value is a {@link ConfigError}.
   */
  static fromConfig(
    config: Config,
    options: { fetch?: typeof fetch } = {},
  ): PortainerClient {
    const section = 'dockerEnv.portainer';
    return buildFromConfig(section, () => {
      const c = config.getConfig(section);
      return new PortainerClient({
        baseUrl: readBaseUrl(c, section, '/api'),
        apiKey: c.getString('apiKey'),
        timeoutMs: readTimeoutMs(c, section),
        fetch: options.fetch,
      });
    });
  }

  // ---- environments ----

  async createAgentEndpoint(input: {
    name: string;
    ip: string;
    environmentId: string;
    port?: number;
    groupId?: number;
    /** Further tags for a new environment (e.g. the unmanaged mark). */
    extraTags?: string[];
  }): Promise<{ endpoint: PortainerEndpoint; created: boolean }> {
    const name = assertPortainerName(input.name, 'name');
    const ip = input.ip;
    const environmentId = assertEnvironmentId(input.environmentId);
    const url = agentEndpointUrl(ip, input.port);
    const groupId =
      input.groupId === undefined ? 1 : id(input.groupId, 'groupId');
    const markTag = await this.ensureTag(
      portainerEnvironmentTag(environmentId),
    );
    const managedTag = await this.ensureTag(MANAGED_BY);
    const adopt = (existing: PortainerEndpoint) => {
      if (!existing.tagIds.includes(markTag.id)) {
        throw new OwnershipConflictError(
          'Portainer',
          `environment "${name}" (id ${existing.id})`,
          `no ${markTag.name} tag`,
        );
      }
      if (existing.url !== url) {
        throw new OwnershipConflictError(
          'Portainer',
          `environment "${name}" (id ${existing.id})`,
          `it points at ${existing.url}, not ${url}`,
        );
      }
      return { endpoint: existing, created: false };
    };
    const existing = (await this.listEndpoints({ name }))[0];
    if (existing) return adopt(existing);

    const form = new FormData();
    form.set('Name', name);
    form.set('EndpointCreationType', '2');
    form.set('URL', url);
    form.set('TLS', 'true');
    form.set('TLSSkipVerify', 'true');
    form.set('TLSSkipClientVerify', 'true');
    form.set('GroupID', String(groupId));
    const extra: number[] = [];
    for (const tag of input.extraTags ?? [])
      extra.push((await this.ensureTag(tag)).id);
    form.set('TagIds', JSON.stringify([managedTag.id, markTag.id, ...extra]));
    try {
      const res = await this.raw('POST', '/endpoints', form);
      return {
        endpoint: toEndpoint(await this.check(res, 'POST', '/endpoints')),
        created: true,
      };
    } catch (e) {
      // Lost a race with a concurrent create of the same name: take the winner if it is ours.
      if (e instanceof UpstreamApiError && e.status === 409) {
        const winner = (await this.listEndpoints({ name }))[0];
        if (winner) return adopt(winner);
      }
      throw e;
    }
  }

  async updateAgentAddress(input: {
    endpointId: number;
    environmentId: string;
    ip: string;
    port?: number;
  }): Promise<boolean> {
    id(input.endpointId, 'endpointId');
    const tagName = portainerEnvironmentTag(input.environmentId);
    const url = agentEndpointUrl(input.ip, input.port);
    const endpoint = await this.getEndpoint(input.endpointId);
    const tag = (await this.listTags()).find(t => t.name === tagName);
    if (!tag || !endpoint.tagIds.includes(tag.id))
      throw new OwnershipConflictError(
        'Portainer',
        `environment "${endpoint.name}" (id ${endpoint.id})`,
        `no ${tagName} tag`,
      );
    if (endpoint.url === url) return false;
    await this.request('PUT', `/endpoints/${endpoint.id}`, { url });
    return true;
  }

  async findOwnedEndpoint(
    name: string,
    environmentId: string,
  ): Promise<PortainerEndpoint | undefined> {
    assertPortainerName(name, 'name');
    const tagName = portainerEnvironmentTag(environmentId);
    const found = (await this.listEndpoints({ name }))[0];
    if (!found) return undefined;
    const tag = (await this.listTags()).find(t => t.name === tagName);
    return tag && found.tagIds.includes(tag.id) ? found : undefined;
  }

  // ---- tags (our mark on environments) ----

  async listTags(): Promise<PortainerTag[]> {
    const list = await this.request('GET', '/tags');
    return (list ?? []).map(toTag);
  }

  async ensureTag(name: string): Promise<PortainerTag> {
    assertPortainerName(name, 'name');
    return this.findOrCreate(
      async () => (await this.listTags()).find(t => t.name === name),
      async () => toTag(await this.request('POST', '/tags', { name })),
    );
  }

  async deleteTag(tagId: number): Promise<boolean> {
    id(tagId, 'tagId');
    return this.deleteIfPresent(`/tags/${tagId}`);
  }

  async getEndpoint(endpointId: number): Promise<PortainerEndpoint> {
    id(endpointId, 'endpointId');
    return toEndpoint(
      await this.request(
        'GET',
        `/endpoints/${endpointId}?excludeSnapshot=true`,
      ),
    );
  }

  async listEndpoints(
    filter: { name?: string } = {},
  ): Promise<PortainerEndpoint[]> {
    const q = new URLSearchParams({ excludeSnapshots: 'true' });
    if (filter.name !== undefined)
      q.set('name', assertPortainerName(filter.name, 'name'));
    const list = await this.request('GET', `/endpoints?${q.toString()}`);
    // older Portainer releases ignore `name`: filter here too so `[0]` is never another environment
    return (list ?? [])
      .map(toEndpoint)
      .filter(
        (e: PortainerEndpoint) =>
          filter.name === undefined || e.name === filter.name,
      );
  }

  async deleteEndpoint(endpointId: number): Promise<boolean> {
    id(endpointId, 'endpointId');
    return this.deleteIfPresent(`/endpoints/${endpointId}`);
  }

  // ---- Docker through Portainer ----

  async listContainers(endpointId: number): Promise<DockerContainerSummary[]> {
    return this.dockerRequest<DockerContainerSummary[]>(
      endpointId,
      'GET',
      '/containers/json',
      {
        query: { all: 1 },
      },
    );
  }

  async dockerRequest<T = unknown>(
    endpointId: number,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD',
    path: string,
    options: {
      query?: Record<string, string | number | boolean>;
      body?: unknown;
    } = {},
  ): Promise<T> {
    id(endpointId, 'endpointId');
    if (!['GET', 'POST', 'PUT', 'DELETE', 'HEAD'].includes(method)) {
      throw new InputError('method: must be GET, POST, PUT, DELETE or HEAD');
    }
    assertDockerPath(path, 'path');
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(k))
        throw new InputError(
          `query: invalid parameter name ${JSON.stringify(k)}`,
        );
      q.set(k, String(v));
    }
    const full = `/endpoints/${endpointId}/docker${path}${
      q.size ? `?${q.toString()}` : ''
    }`;
    return (await this.request(method, full, options.body)) as T;
  }
}
