/**
 * Team role in a membership: 1 leader, 2 member.
 *
 * @public
 */
export type PortainerTeamRole = 1 | 2;

/**
 * Registry types the platform uses: 3 custom, 4 GitLab.
 *
 * @public
 */
export type PortainerRegistryType = 3 | 4;

/**
 * An environment (endpoint), normalised.
 *
 * @public
 */
export interface PortainerEndpoint {
  id: number;
  name: string;
  type: number;
  url: string;
  groupId: number;
  tagIds: number[];
  /** Team id -> role id. */
  teamAccess: Record<number, number>;
  agentVersion?: string;
}

/**
 * A tag (`docker-env` and `docker-env-<environment id>` mark our environments).
 *
 * @public
 */
export interface PortainerTag {
  id: number;
  name: string;
}

/**
 * A team.
 *
 * @public
 */
export interface PortainerTeam {
  id: number;
  name: string;
}

/**
 * A team membership.
 *
 * @public
 */
export interface PortainerMembership {
  id: number;
  userId: number;
  teamId: number;
  role: PortainerTeamRole;
}

/**
 * A user.
 *
 * @public
 */
export interface PortainerUser {
  id: number;
  username: string;
  /** 1 administrator, 2 regular user. */
  role: number;
}

/**
 * A registry (the password is never read back).
 *
 * @public
 */
export interface PortainerRegistry {
  id: number;
  name: string;
  type: number;
  url: string;
  authentication: boolean;
  username: string;
  /** Environment id -> the teams and users that may use the registry there. */
  access: Record<number, { teamIds: number[]; userIds: number[] }>;
}

/**
 * A container from the Docker Engine API `GET /containers/json`.
 *
 * @public
 */
export interface DockerContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  State: string;
  Status: string;
  [key: string]: unknown;
}

/**
 * The Portainer operations the platform uses.
 *
 * @public
 */
export interface PortainerApi {
  /**
   * Creates an agent environment for `tcp://ip:port` tagged `docker-env` and `docker-env-<id>`, or
   * returns ours with that name; a same-named environment without our tag, or pointing at another
   * URL, is refused with an `OwnershipConflictError`.
   */
  createAgentEndpoint(input: {
    name: string;
    ip: string;
    environmentId: string;
    port?: number;
    groupId?: number;
  }): Promise<{ endpoint: PortainerEndpoint; created: boolean }>;
  /**
   * Points our agent environment at `tcp://ip:port` (`PUT /endpoints/{id}`) when it points elsewhere; true when it
   * changed. An environment without this environment id's tag is refused with an `OwnershipConflictError`.
   */
  updateAgentAddress(input: {
    endpointId: number;
    environmentId: string;
    ip: string;
    port?: number;
  }): Promise<boolean>;
  /** The environment with that name when it carries this environment id's tag. */
  findOwnedEndpoint(
    name: string,
    environmentId: string,
  ): Promise<PortainerEndpoint | undefined>;
  listTags(): Promise<PortainerTag[]>;
  /** Finds or creates a tag by name. */
  ensureTag(name: string): Promise<PortainerTag>;
  /** Deletes a tag; false when it was already gone. */
  deleteTag(id: number): Promise<boolean>;
  /** Deletes a team (and its memberships); false when it was already gone. */
  deleteTeam(id: number): Promise<boolean>;
  getEndpoint(id: number): Promise<PortainerEndpoint>;
  listEndpoints(filter?: { name?: string }): Promise<PortainerEndpoint[]>;
  /** Deletes an environment; false when it was already gone. */
  deleteEndpoint(id: number): Promise<boolean>;
  ensureTeam(name: string): Promise<PortainerTeam>;
  listTeams(): Promise<PortainerTeam[]>;
  /** Adds a user to a team (idempotent: an existing membership is returned). */
  addTeamMember(
    teamId: number,
    userId: number,
    role: PortainerTeamRole,
  ): Promise<PortainerMembership>;
  /** Removes a user from a team; false when they were not a member. */
  removeTeamMember(teamId: number, userId: number): Promise<boolean>;
  listTeamMemberships(teamId: number): Promise<PortainerMembership[]>;
  findUserByUsername(username: string): Promise<PortainerUser | undefined>;
  /** Every Portainer user (one `GET /users`). */
  listUsers(): Promise<PortainerUser[]>;
  /** Gives a team access to an environment, keeping every other team's access. */
  grantTeamAccess(
    endpointId: number,
    teamId: number,
    roleId?: number,
  ): Promise<PortainerEndpoint>;
  /** Removes a team's access to an environment, keeping every other team's access. */
  revokeTeamAccess(
    endpointId: number,
    teamId: number,
  ): Promise<PortainerEndpoint>;
  /** Every registry with its per-environment access. */
  listRegistries(): Promise<PortainerRegistry[]>;
  /**
   * Finds a registry by name, or creates it; a same-named registry pointing at another URL is refused
   * with an `OwnershipConflictError`.
   */
  ensureRegistry(input: {
    name: string;
    type: PortainerRegistryType;
    url: string;
    username?: string;
    password?: string;
  }): Promise<PortainerRegistry>;
  /** Writes a registry's URL and credentials (a rotation), keeping its per-environment access. */
  updateRegistry(
    registryId: number,
    input: {
      name: string;
      type: PortainerRegistryType;
      url: string;
      username?: string;
      password?: string;
    },
  ): Promise<PortainerRegistry>;
  /** Deletes a registry; false when it was already gone. */
  deleteRegistry(registryId: number): Promise<boolean>;
  /** Lets the given teams use a registry on an environment (merged with the access already there); true when it wrote. */
  grantRegistryAccess(
    endpointId: number,
    registryId: number,
    teamIds: number[],
  ): Promise<boolean>;
  /** Takes a registry on an environment away from the given teams, keeping every other access; true when it wrote. */
  revokeRegistryAccess(
    endpointId: number,
    registryId: number,
    teamIds: number[],
  ): Promise<boolean>;
  listContainers(endpointId: number): Promise<DockerContainerSummary[]>;
  /**
   * Calls the Docker Engine API through Portainer (`/endpoints/{id}/docker<path>`); for JSON
   * answers only (a non-JSON body, e.g. logs, is an error). One attempt, never retried.
   */
  dockerRequest<T = unknown>(
    endpointId: number,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD',
    path: string,
    options?: {
      query?: Record<string, string | number | boolean>;
      body?: unknown;
    },
  ): Promise<T>;
}
