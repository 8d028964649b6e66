import type {
  PortainerApi,
  PortainerEndpoint,
  PortainerTeam,
} from '@docker-env/plugin-docker-env-node';
import type { TeamResolver } from '../provisioning/types';
import {
  canonicalOwnerRef,
  legacyPortainerTeamName,
  portainerTeamName,
} from '../provisioning/teamName';

/**
 * One environment whose Portainer access the sync keeps: its owner and its Portainer endpoint.
 *
 * @public
 */
export interface TeamSyncEnvironment {
  owner: string;
  endpointId: number;
}

/**
 * One change the sync made in Portainer (each is audited by the caller).
 *
 * @public
 */
export interface TeamSyncChange {
  kind:
    | 'team-created'
    | 'member-added'
    | 'member-removed'
    | 'access-granted'
    | 'access-revoked'
    | 'team-deleted';
  /** The Portainer team name. */
  team: string;
  owner?: string;
  /** The Portainer user name (member changes). */
  user?: string;
  endpointId?: number;
}

/**
 * What one pass did.
 *
 * @public
 */
export interface TeamSyncReport {
  changes: TeamSyncChange[];
  /** Members the catalog names that have no Portainer user yet: added on the first pass after their first login. */
  notInPortainer: { owner: string; user: string }[];
  /** Owners whose team could not be synced this pass (the next pass retries). */
  failed: { owner: string; error: string }[];
}

/**
 * One membership sync pass: for every owner of an environment, its team (the prefix plus the
 * owner's whole ref) gets exactly the owner's current members (adding, then removing), access to
 * each of the owner's endpoints, and the team of the old naming (prefix plus entity name only)
 * loses access to them; an old-named team no endpoint grants any more is deleted. New access is
 * given before old access is taken, so a migrated environment is never without its team.
 * Members without a Portainer user are skipped and picked up by the first pass after they exist
 * (Portainer creates LDAP users at their first login).
 *
 * @public
 */
export async function syncTeamsOnce(options: {
  portainer: PortainerApi;
  /** `dockerEnv.portainer.teamPrefix`: our mark on teams; without one nothing is touched. */
  prefix: string;
  teams: TeamResolver;
  environments: TeamSyncEnvironment[];
  /** Called for each change as it is made (auditing). */
  onChange?: (change: TeamSyncChange) => Promise<void> | void;
}): Promise<TeamSyncReport> {
  const { portainer, prefix } = options;
  const report: TeamSyncReport = {
    changes: [],
    notInPortainer: [],
    failed: [],
  };
  if (!prefix) return report;
  const record = async (c: TeamSyncChange) => {
    report.changes.push(c);
    await options.onChange?.(c);
  };

  const [teamList, users, endpointList] = await Promise.all([
    portainer.listTeams(),
    portainer.listUsers(),
    portainer.listEndpoints(),
  ]);
  const teamsByName = new Map<string, PortainerTeam>(
    teamList.map(t => [t.name, t]),
  );
  const userIds = new Map(users.map(u => [u.username.toLowerCase(), u.id]));
  const userNames = new Map(users.map(u => [u.id, u.username]));
  const endpoints = new Map<number, PortainerEndpoint>(
    endpointList.map(e => [e.id, e]),
  );

  const byOwner = new Map<string, number[]>();
  for (const env of options.environments) {
    let owner: string;
    try {
      owner = canonicalOwnerRef(env.owner);
    } catch (e) {
      report.failed.push({ owner: env.owner, error: String(e) });
      continue;
    }
    if (!endpoints.has(env.endpointId)) continue;
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), env.endpointId]);
  }

  const legacyTouched = new Set<number>();
  for (const [owner, endpointIds] of byOwner) {
    const name = portainerTeamName(prefix, owner);
    try {
      const { members } = await options.teams(owner);
      let team = teamsByName.get(name);
      if (!team) {
        team = await portainer.ensureTeam(name);
        teamsByName.set(name, team);
        await record({ kind: 'team-created', team: name, owner });
      }
      const desired = new Map<number, string>();
      for (const user of members) {
        const id = userIds.get(user.toLowerCase());
        if (id === undefined) report.notInPortainer.push({ owner, user });
        else desired.set(id, user);
      }
      const current = await portainer.listTeamMemberships(team.id);
      const currentIds = new Set(current.map(m => m.userId));
      for (const [id, user] of desired) {
        if (currentIds.has(id)) continue;
        await portainer.addTeamMember(team.id, id, 2);
        await record({ kind: 'member-added', team: name, owner, user });
      }
      for (const endpointId of endpointIds) {
        if (endpoints.get(endpointId)!.teamAccess[team.id] !== undefined)
          continue;
        endpoints.set(
          endpointId,
          await portainer.grantTeamAccess(endpointId, team.id),
        );
        await record({ kind: 'access-granted', team: name, owner, endpointId });
      }
      const legacyName = legacyPortainerTeamName(prefix, owner);
      const legacy = teamsByName.get(legacyName);
      if (legacy && legacy.id !== team.id) {
        legacyTouched.add(legacy.id);
        for (const endpointId of endpointIds) {
          if (endpoints.get(endpointId)!.teamAccess[legacy.id] === undefined)
            continue;
          endpoints.set(
            endpointId,
            await portainer.revokeTeamAccess(endpointId, legacy.id),
          );
          await record({
            kind: 'access-revoked',
            team: legacyName,
            owner,
            endpointId,
          });
        }
      }
      for (const m of current) {
        if (desired.has(m.userId)) continue;
        await portainer.removeTeamMember(team.id, m.userId);
        await record({
          kind: 'member-removed',
          team: name,
          owner,
          user: userNames.get(m.userId) ?? `#${m.userId}`,
        });
      }
    } catch (e) {
      report.failed.push({
        owner,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }

  if (legacyTouched.size) {
    const fresh = await portainer.listEndpoints();
    for (const id of legacyTouched) {
      if (fresh.some(e => e.teamAccess[id] !== undefined)) continue;
      const team = teamList.find(t => t.id === id)!;
      await portainer.deleteTeam(id);
      await record({ kind: 'team-deleted', team: team.name });
    }
  }
  return report;
}
