import { InputError } from '@backstage/errors';
import { UpstreamApiError } from '../errors';
import { PortainerHttp } from './PortainerHttp';
import { id, toEndpoint, toMembership } from './mapping';
import type {
  PortainerEndpoint,
  PortainerMembership,
  PortainerTeam,
  PortainerTeamRole,
  PortainerUser,
} from './types';
import { assertTeamName, assertUsername } from './validate';

/** Portainer's standard role ids for environment access; 1 is "Environment administrator" (CE). */
const DEFAULT_ROLE_ID = 1;

/** Teams, memberships, users and environment access of {@link PortainerClient}. */
export abstract class PortainerTeams extends PortainerHttp {
  async ensureTeam(name: string): Promise<PortainerTeam> {
    assertTeamName(name, 'name');
    return this.findOrCreate(
      async () => (await this.listTeams()).find(t => t.name === name),
      async () => {
        const t = await this.request('POST', '/teams', { name });
        return { id: t.Id, name: t.Name };
      },
    );
  }

  async deleteTeam(teamId: number): Promise<boolean> {
    id(teamId, 'teamId');
    return this.deleteIfPresent(`/teams/${teamId}`);
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
    const list = await this.listUsers();
    // Portainer treats user names case-insensitively.
    return (
      list.find(x => x.username === username) ??
      list.find(x => x.username.toLowerCase() === username.toLowerCase())
    );
  }

  async listUsers(): Promise<PortainerUser[]> {
    const list: any[] = (await this.request('GET', '/users')) ?? [];
    return list.map(u => ({
      id: u.Id,
      username: String(u.Username),
      role: u.Role,
    }));
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
}
