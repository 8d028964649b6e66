import type {
  PortainerRegistry,
  PortainerTeam,
} from '@docker-env/plugin-docker-env-node';
import { canonicalOwnerRef, portainerTeamName } from '../provisioning/teamName';
import { type OwnerRegistry, REGISTRY_NAME_PREFIX } from './config';

/**
 * One environment registered in Portainer, as the registry sync and the reconciler see it.
 *
 * @public
 */
export interface RegistryEnvironment {
  owner: string;
  endpointId: number;
  environmentId?: string;
  name?: string;
}

/**
 * What differs between the registries config and Portainer (each has one fix in the registry sync).
 *
 * @public
 */
export type RegistryFinding =
  /** Configured, not in Portainer: register it (then grant it). */
  | { kind: 'registry_missing'; registry: OwnerRegistry }
  /** Ours, with another URL or user name than configured: write the config's values. */
  | {
      kind: 'registry_changed';
      registry: OwnerRegistry;
      registryId: number;
      detail: string;
    }
  /** The owner's team may not use its registry on one of the owner's environments: grant it. */
  | {
      kind: 'registry_access_missing';
      registry: OwnerRegistry;
      registryId: number;
      teamId: number;
      environment: RegistryEnvironment;
    }
  /** On one of our environments, one of our teams other than the registry owner's (or on another owner's environment) may use it: revoke. */
  | {
      kind: 'registry_access_foreign';
      registry: OwnerRegistry;
      registryId: number;
      teamIds: number[];
      teamNames: string[];
      endpointId: number;
      environment: RegistryEnvironment;
    }
  /** Carries our mark, no longer configured: withdraw (delete) it. */
  | { kind: 'registry_withdrawn'; registryId: number; name: string };

/**
 * Compares the configured registries with what Portainer holds: missing or changed registries,
 * grants missing on an owner's environments, grants to our other teams, and marked registries no
 * longer configured. Teams without our prefix and user grants are never judged (not ours).
 *
 * @public
 */
export function judgeRegistries(input: {
  registries: OwnerRegistry[];
  /** The team prefix (`dockerEnv.provisioning.portainer.teamPrefix`): our mark on teams. */
  prefix: string;
  environments: RegistryEnvironment[];
  held: PortainerRegistry[];
  teams: PortainerTeam[];
}): RegistryFinding[] {
  const out: RegistryFinding[] = [];
  const teamByName = new Map(input.teams.map(t => [t.name, t]));
  const teamName = new Map(input.teams.map(t => [t.id, t.name]));
  const envByEndpoint = new Map<number, RegistryEnvironment>();
  for (const e of input.environments) envByEndpoint.set(e.endpointId, e);
  const ownerOf = (e: RegistryEnvironment) => {
    try {
      return canonicalOwnerRef(e.owner);
    } catch {
      return undefined;
    }
  };
  const configured = new Set(input.registries.map(r => r.portainerName));
  for (const r of input.held) {
    if (r.name.startsWith(REGISTRY_NAME_PREFIX) && !configured.has(r.name))
      out.push({ kind: 'registry_withdrawn', registryId: r.id, name: r.name });
  }
  for (const registry of input.registries) {
    const held = input.held.find(r => r.name === registry.portainerName);
    if (!held) {
      out.push({ kind: 'registry_missing', registry });
      continue;
    }
    if (held.url !== registry.url || held.username !== registry.username)
      out.push({
        kind: 'registry_changed',
        registry,
        registryId: held.id,
        detail: `Portainer has ${held.url} as ${
          held.username || 'anonymous'
        }, the config ${registry.url} as ${registry.username}`,
      });
    const ownTeam = input.prefix
      ? teamByName.get(portainerTeamName(input.prefix, registry.owner))
      : undefined;
    for (const env of input.environments) {
      if (!ownTeam || ownerOf(env) !== registry.owner) continue;
      if (held.access[env.endpointId]?.teamIds.includes(ownTeam.id)) continue;
      out.push({
        kind: 'registry_access_missing',
        registry,
        registryId: held.id,
        teamId: ownTeam.id,
        environment: env,
      });
    }
    if (!input.prefix) continue;
    for (const [endpoint, access] of Object.entries(held.access)) {
      const endpointId = Number(endpoint);
      // only environments we know: one being provisioned has no recorded endpoint yet
      const env = envByEndpoint.get(endpointId);
      if (!env) continue;
      const foreign = access.teamIds.filter(
        t =>
          teamName.get(t)?.startsWith(input.prefix) &&
          !(ownerOf(env) === registry.owner && ownTeam?.id === t),
      );
      if (foreign.length)
        out.push({
          kind: 'registry_access_foreign',
          registry,
          registryId: held.id,
          teamIds: foreign,
          teamNames: foreign.map(t => teamName.get(t)!),
          endpointId,
          environment: env,
        });
    }
  }
  return out;
}
