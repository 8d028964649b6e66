import { assertInteger, assertIpv4 } from '../validation';
import type {
  PortainerEndpoint,
  PortainerMembership,
  PortainerRegistry,
  PortainerTag,
} from './types';

/** A Portainer object id (a positive 32-bit integer). */
export const id = (v: unknown, field: string) =>
  assertInteger(v, field, 1, 2147483647);

/**
 * The URL Portainer stores for an agent at `ip` (`tcp://<ip>:<port>`, port 9001 by default).
 *
 * @public
 */
export function agentEndpointUrl(ip: string, port: number = 9001): string {
  return `tcp://${assertIpv4(ip, 'ip')}:${assertInteger(
    port,
    'port',
    1,
    65535,
  )}`;
}

export function toEndpoint(e: any): PortainerEndpoint {
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

export function toTag(t: any): PortainerTag {
  return { id: t.id ?? t.ID, name: t.Name };
}

export function toMembership(m: any): PortainerMembership {
  return { id: m.Id, userId: m.UserID, teamId: m.TeamID, role: m.Role };
}

export function toRegistry(r: any): PortainerRegistry {
  return {
    id: r.Id,
    name: r.Name,
    type: r.Type,
    url: r.URL,
    authentication: !!r.Authentication,
    username: r.Username ?? '',
    access: toRegistryAccess(r.RegistryAccesses),
  };
}

function toRegistryAccess(raw: any): PortainerRegistry['access'] {
  const out: PortainerRegistry['access'] = {};
  for (const [endpointId, a] of Object.entries<any>(raw ?? {})) {
    out[Number(endpointId)] = {
      teamIds: Object.keys(a?.TeamAccessPolicies ?? {}).map(Number),
      userIds: Object.keys(a?.UserAccessPolicies ?? {}).map(Number),
    };
  }
  return out;
}
