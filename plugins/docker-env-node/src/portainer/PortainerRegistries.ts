import { InputError } from '@backstage/errors';
import { UpstreamApiError } from '../errors';
import { OwnershipConflictError } from '../ownership';
import { PortainerTeams } from './PortainerTeams';
import { id, toRegistry } from './mapping';
import type { PortainerRegistry, PortainerRegistryType } from './types';
import {
  assertPortainerName,
  assertRegistryCredential,
  assertRegistryUrl,
} from './validate';

type Policies = Record<string, { RoleId: number }>;

/** One registry's access on one environment as Portainer stores it. */
interface RawAccess {
  UserAccessPolicies?: Policies | null;
  TeamAccessPolicies?: Policies | null;
  Namespaces?: string[] | null;
}

/** What a registry is registered with. */
interface RegistryInput {
  name: string;
  type: PortainerRegistryType;
  url: string;
  username?: string;
  password?: string;
}

function registryBody(input: RegistryInput): Record<string, unknown> {
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
    body.username = assertRegistryCredential(input.username, 'username', false);
    body.password = assertRegistryCredential(input.password, 'password', true);
  }
  return body;
}

/** Registries and their per-environment access, for {@link PortainerClient}. */
export abstract class PortainerRegistries extends PortainerTeams {
  /** Every registry with its per-environment access (passwords are never answered). */
  async listRegistries(): Promise<PortainerRegistry[]> {
    const list: any[] = (await this.request('GET', '/registries')) ?? [];
    return list.map(toRegistry);
  }

  async ensureRegistry(input: RegistryInput): Promise<PortainerRegistry> {
    const body = registryBody(input);
    const find = async () =>
      (await this.listRegistries()).find(r => r.name === body.name);
    const adopt = (found: PortainerRegistry) => {
      if (found.url !== body.url)
        throw new OwnershipConflictError(
          'Portainer',
          `registry "${found.name}" (id ${found.id})`,
          `it points at ${found.url}, not ${body.url}`,
        );
      return found;
    };
    const found = await find();
    if (found) return adopt(found);
    try {
      return toRegistry(await this.request('POST', '/registries', body));
    } catch (e) {
      // lost a race with a concurrent create of the same name
      const winner =
        e instanceof UpstreamApiError && e.status === 409
          ? await find()
          : undefined;
      if (winner) return adopt(winner);
      throw e;
    }
  }

  /**
   * Writes a registry's name, URL and credentials (a token rotation). `PUT /registries/{id}`
   * replaces the access map when it carries one, so the map just read is written back unchanged.
   */
  async updateRegistry(
    registryId: number,
    input: RegistryInput,
  ): Promise<PortainerRegistry> {
    id(registryId, 'registryId');
    const body = registryBody(input);
    delete body.type;
    const current = await this.request('GET', `/registries/${registryId}`);
    body.registryAccesses = current?.RegistryAccesses ?? {};
    return toRegistry(
      await this.request('PUT', `/registries/${registryId}`, body),
    );
  }

  /** Deletes a registry (and its access everywhere); false when it was already gone. */
  async deleteRegistry(registryId: number): Promise<boolean> {
    id(registryId, 'registryId');
    return this.deleteIfPresent(`/registries/${registryId}`);
  }

  async grantRegistryAccess(
    endpointId: number,
    registryId: number,
    teamIds: number[],
  ): Promise<boolean> {
    teamIds.forEach((t, i) => id(t, `teamIds[${i}]`));
    return this.updateRegistryAccess(endpointId, registryId, teams => {
      for (const t of teamIds) teams[String(t)] = { RoleId: 0 };
    });
  }

  async revokeRegistryAccess(
    endpointId: number,
    registryId: number,
    teamIds: number[],
  ): Promise<boolean> {
    teamIds.forEach((t, i) => id(t, `teamIds[${i}]`));
    return this.updateRegistryAccess(endpointId, registryId, teams => {
      for (const t of teamIds) delete teams[String(t)];
    });
  }

  /**
   * `PUT /endpoints/{id}/registries/{registryId}` replaces the registry's whole access on that
   * environment: read it, change the team map, write it all back; nothing is written when the
   * change changes nothing. True when it wrote.
   */
  private async updateRegistryAccess(
    endpointId: number,
    registryId: number,
    change: (teams: Policies) => void,
  ): Promise<boolean> {
    id(endpointId, 'endpointId');
    id(registryId, 'registryId');
    const reg = await this.request('GET', `/registries/${registryId}`);
    const access: RawAccess = reg?.RegistryAccesses?.[String(endpointId)] ?? {};
    const before = { ...(access.TeamAccessPolicies ?? {}) };
    const teams = { ...before };
    change(teams);
    const same =
      Object.keys(teams).length === Object.keys(before).length &&
      Object.keys(teams).every(k => k in before);
    if (same) return false;
    await this.request(
      'PUT',
      `/endpoints/${endpointId}/registries/${registryId}`,
      {
        UserAccessPolicies: access.UserAccessPolicies ?? {},
        TeamAccessPolicies: teams,
        Namespaces: access.Namespaces ?? [],
      },
    );
    return true;
  }
}
