import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { buildFromConfig, readBaseUrl, readTimeoutMs } from '../config';
import { UpstreamApiError } from '../errors';
import { assertInteger, assertIpv4 } from '../validation';
import { requireHttpBaseUrl } from '../validation/primitives';
import {
  DockerContainerSummary,
  PortainerApi,
  PortainerEndpoint,
  PortainerMembership,
  PortainerRegistry,
  PortainerRegistryType,
  PortainerTag,
  PortainerTeam,
  PortainerTeamRole,
  PortainerUser,
} from './types';
import {
  assertDockerPath,
  assertPortainerName,
  assertRegistryUrl,
  assertSecret,
  assertUsername,
} from './validate';
import { parseJsonBody } from '../http/jsonBody';
import {
  MANAGED_BY,
  OwnershipConflictError,
  assertEnvironmentId,
  portainerEnvironmentTag,
} from '../ownership';

/** Options of {@link PortainerClient}. */
export interface PortainerClientOptions {
  /** API base, e.g. `https://portainer.example.com:9443/api` (`/api` is appended when missing). */
  baseUrl: string;
  /** API key (`ptr_...`) of an administrator, sent as `X-API-Key`. */
  apiKey: string;
  /** Per-request timeout in ms; default 15000 (environment creation waits for the agent ping). */
  timeoutMs?: number;
  /** Injectable fetch (tests). */
  fetch?: typeof fetch;
}

/** Portainer's standard role ids for environment access; 1 is "Environment administrator" (CE). */
const DEFAULT_ROLE_ID = 1;

const id = (v: unknown, field: string) =>
  assertInteger(v, field, 1, 2147483647);

/**
 * Portainer CE 2.x API client: agent environments, teams and memberships, environment and registry
 * access, and the Docker API proxied through Portainer. Inputs are checked before any request;
 * failures are {@link UpstreamApiError}s carrying Portainer's `{message, details}`.
 */
export class PortainerClient implements PortainerApi {
  private readonly base: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(options: PortainerClientOptions) {
    const trimmed = requireHttpBaseUrl(options.baseUrl, 'baseUrl');
    this.base = trimmed.endsWith('/api') ? trimmed : `${trimmed}/api`;
    if (!options.apiKey || !/^[\x21-\x7e]+$/.test(options.apiKey)) {
      throw new InputError(
        'apiKey: is required and must not contain whitespace',
      );
    }
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 15000;
    this.fetchFn = options.fetch ?? fetch;
  }

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

  // ---- low level ----

  private async raw(
    method: string,
    path: string,
    body?: BodyInit,
    contentType?: string,
  ): Promise<Response> {
    const operation = `${method} ${path.split('?')[0]}`;
    try {
      return await this.fetchFn(`${this.base}${path}`, {
        method,
        headers: {
          'X-API-Key': this.apiKey,
          Accept: 'application/json',
          ...(contentType ? { 'Content-Type': contentType } : {}),
        },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new UpstreamApiError(
        `Portainer ${operation} failed: ${(e as Error).message}`,
        {
          system: 'portainer',
          operation,
          cause: e,
        },
      );
    }
  }

  private async check(
    res: Response,
    method: string,
    path: string,
  ): Promise<any> {
    const operation = `${method} ${path.split('?')[0]}`;
    const text = await res.text();
    const json = parseJsonBody(text);
    if (!res.ok) {
      const message =
        typeof json?.message === 'string' ? json.message : res.statusText;
      const details =
        typeof json?.details === 'string' ? json.details : undefined;
      throw new UpstreamApiError(
        `Portainer ${operation} failed with ${res.status}: ${message}${
          details && details !== message ? ` (${details})` : ''
        }`,
        { system: 'portainer', status: res.status, reason: message, operation },
      );
    }
    // e.g. an SSO proxy's HTML login page answered 200: never read that as an empty result
    if (json === undefined && text) {
      throw new UpstreamApiError(
        `Portainer ${operation} answered ${res.status} with a body that is not JSON`,
        {
          system: 'portainer',
          status: res.status,
          operation,
        },
      );
    }
    return json;
  }

  private async request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<any> {
    const res = await this.raw(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      body === undefined ? undefined : 'application/json',
    );
    return this.check(res, method, path);
  }

  // ---- environments ----

  async createAgentEndpoint(input: {
    name: string;
    ip: string;
    environmentId: string;
    port?: number;
    groupId?: number;
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
    form.set('TagIds', JSON.stringify([managedTag.id, markTag.id]));
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
    const find = async () => (await this.listTags()).find(t => t.name === name);
    const found = await find();
    if (found) return found;
    try {
      return toTag(await this.request('POST', '/tags', { name }));
    } catch (e) {
      if (e instanceof UpstreamApiError && e.status === 409) {
        const winner = await find();
        if (winner) return winner;
      }
      throw e;
    }
  }

  async deleteTag(tagId: number): Promise<boolean> {
    id(tagId, 'tagId');
    try {
      await this.request('DELETE', `/tags/${tagId}`);
      return true;
    } catch (e) {
      if (e instanceof UpstreamApiError && e.status === 404) return false;
      throw e;
    }
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
    try {
      await this.request('DELETE', `/endpoints/${endpointId}`);
      return true;
    } catch (e) {
      if (e instanceof UpstreamApiError && e.status === 404) return false;
      throw e;
    }
  }

  // ---- teams, memberships, users ----

  async ensureTeam(name: string): Promise<PortainerTeam> {
    assertPortainerName(name, 'name');
    const find = async () =>
      (await this.listTeams()).find(t => t.name === name);
    const found = await find();
    if (found) return found;
    try {
      const t = await this.request('POST', '/teams', { name });
      return { id: t.Id, name: t.Name };
    } catch (e) {
      if (e instanceof UpstreamApiError && e.status === 409) {
        const winner = await find();
        if (winner) return winner;
      }
      throw e;
    }
  }

  async deleteTeam(teamId: number): Promise<boolean> {
    id(teamId, 'teamId');
    try {
      await this.request('DELETE', `/teams/${teamId}`);
      return true;
    } catch (e) {
      if (e instanceof UpstreamApiError && e.status === 404) return false;
      throw e;
    }
  }

  async listTeams(): Promise<PortainerTeam[]> {
    const list = await this.request('GET', '/teams');
    return (list ?? []).map((t: any) => ({ id: t.Id, name: t.Name }));
  }

  async listTeamMemberships(teamId: number): Promise<PortainerMembership[]> {
    id(teamId, 'teamId');
    const list = await this.request('GET', `/teams/${teamId}/memberships`);
    return (list ?? []).map(toMembership);
  }

  async addTeamMember(
    teamId: number,
    userId: number,
    role: PortainerTeamRole,
  ): Promise<PortainerMembership> {
    id(teamId, 'teamId');
    id(userId, 'userId');
    if (role !== 1 && role !== 2)
      throw new InputError('role: must be 1 (leader) or 2 (member)');
    try {
      return toMembership(
        await this.request('POST', '/team_memberships', {
          userID: userId,
          teamID: teamId,
          role,
        }),
      );
    } catch (e) {
      if (e instanceof UpstreamApiError && e.status === 409) {
        const existing = (await this.listTeamMemberships(teamId)).find(
          m => m.userId === userId,
        );
        if (existing) return existing;
      }
      throw e;
    }
  }

  async removeTeamMember(teamId: number, userId: number): Promise<boolean> {
    id(teamId, 'teamId');
    id(userId, 'userId');
    const memberships = (await this.listTeamMemberships(teamId)).filter(
      m => m.userId === userId,
    );
    for (const m of memberships) {
      try {
        await this.request('DELETE', `/team_memberships/${m.id}`);
      } catch (e) {
        if (!(e instanceof UpstreamApiError && e.status === 404)) throw e;
      }
    }
    return memberships.length > 0;
  }

  async findUserByUsername(
    username: string,
  ): Promise<PortainerUser | undefined> {
    assertUsername(username, 'username');
    const list: any[] = (await this.request('GET', '/users')) ?? [];
    // Portainer treats user names case-insensitively.
    const u =
      list.find(x => x.Username === username) ??
      list.find(
        x => String(x.Username).toLowerCase() === username.toLowerCase(),
      );
    return u ? { id: u.Id, username: u.Username, role: u.Role } : undefined;
  }

  // ---- access ----

  async grantTeamAccess(
    endpointId: number,
    teamId: number,
    roleId = DEFAULT_ROLE_ID,
  ): Promise<PortainerEndpoint> {
    id(endpointId, 'endpointId');
    id(teamId, 'teamId');
    id(roleId, 'roleId');
    return this.updateTeamAccess(endpointId, map => {
      map[String(teamId)] = { RoleId: roleId };
    });
  }

  async revokeTeamAccess(
    endpointId: number,
    teamId: number,
  ): Promise<PortainerEndpoint> {
    id(endpointId, 'endpointId');
    id(teamId, 'teamId');
    return this.updateTeamAccess(endpointId, map => {
      delete map[String(teamId)];
    });
  }

  /** PUT replaces the whole TeamAccessPolicies map, so read it, change our entry, write it all back. */
  private async updateTeamAccess(
    endpointId: number,
    change: (map: Record<string, { RoleId: number }>) => void,
  ): Promise<PortainerEndpoint> {
    const current = await this.request(
      'GET',
      `/endpoints/${endpointId}?excludeSnapshot=true`,
    );
    const map: Record<string, { RoleId: number }> = {
      ...(current?.TeamAccessPolicies ?? {}),
    };
    change(map);
    return toEndpoint(
      await this.request('PUT', `/endpoints/${endpointId}`, {
        teamAccessPolicies: map,
      }),
    );
  }

  // ---- registries ----

  async ensureRegistry(input: {
    name: string;
    type: PortainerRegistryType;
    url: string;
    username?: string;
    password?: string;
  }): Promise<PortainerRegistry> {
    const name = assertPortainerName(input.name, 'name');
    if (input.type !== 3 && input.type !== 4)
      throw new InputError('type: must be 3 (custom) or 4 (GitLab)');
    const url = assertRegistryUrl(input.url, 'url');
    const authentication =
      input.username !== undefined || input.password !== undefined;
    const body: Record<string, unknown> = {
      name,
      type: input.type,
      url,
      authentication,
    };
    if (authentication) {
      body.username = assertUsername(input.username, 'username');
      body.password = assertSecret(input.password, 'password');
    }
    const list: any[] = (await this.request('GET', '/registries')) ?? [];
    const found = list.find(r => r.Name === name);
    if (found) return toRegistry(found);
    return toRegistry(await this.request('POST', '/registries', body));
  }

  async grantRegistryAccess(
    endpointId: number,
    registryId: number,
    teamIds: number[],
  ): Promise<void> {
    id(endpointId, 'endpointId');
    id(registryId, 'registryId');
    teamIds.forEach((t, i) => id(t, `teamIds[${i}]`));
    const reg = await this.request('GET', `/registries/${registryId}`);
    const access = reg?.RegistryAccesses?.[String(endpointId)] ?? {};
    const teams: Record<string, { RoleId: number }> = {
      ...(access.TeamAccessPolicies ?? {}),
    };
    for (const t of teamIds) teams[String(t)] = { RoleId: 0 };
    await this.request(
      'PUT',
      `/endpoints/${endpointId}/registries/${registryId}`,
      {
        UserAccessPolicies: access.UserAccessPolicies ?? {},
        TeamAccessPolicies: teams,
      },
    );
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

/** The URL Portainer stores for an agent at `ip` (`tcp://<ip>:<port>`, port 9001 by default). */
export function agentEndpointUrl(ip: string, port: number = 9001): string {
  return `tcp://${assertIpv4(ip, 'ip')}:${assertInteger(
    port,
    'port',
    1,
    65535,
  )}`;
}

function toEndpoint(e: any): PortainerEndpoint {
  const teamAccess: Record<number, number> = {};
  for (const [k, v] of Object.entries(e?.TeamAccessPolicies ?? {})) {
    teamAccess[Number(k)] = (v as { RoleId: number }).RoleId;
  }
  return {
    id: e.Id,
    name: e.Name,
    type: e.Type,
    url: e.URL,
    groupId: e.GroupId,
    tagIds: e.TagIds ?? [],
    teamAccess,
    ...(e.Agent?.Version ? { agentVersion: e.Agent.Version } : {}),
  };
}

function toTag(t: any): PortainerTag {
  return { id: t.id ?? t.ID, name: t.Name };
}

function toMembership(m: any): PortainerMembership {
  return { id: m.Id, userId: m.UserID, teamId: m.TeamID, role: m.Role };
}

function toRegistry(r: any): PortainerRegistry {
  return {
    id: r.Id,
    name: r.Name,
    type: r.Type,
    url: r.URL,
    authentication: !!r.Authentication,
    username: r.Username ?? '',
  };
}
