import type { PtSettings } from './settings';
import type { PtDockerSnapshot } from './snapshot';
import type { PtTag } from './tags';
// Portainer CE 2.2x objects as stored and as rendered (JSON tags of api/portainer.go).

/** A Portainer user. */
export interface PtUser {
  Id: number;
  Username: string;
  /** 1 administrator, 2 regular user. */
  Role: number;
  /** Lab only: password for `POST /api/auth`; never rendered. */
  password: string;
}

/** A team. */
export interface PtTeam {
  Id: number;
  Name: string;
}

/** A team membership; Role 1 leader, 2 member. */
export interface PtMembership {
  Id: number;
  UserID: number;
  TeamID: number;
  Role: number;
}

/** Access policy map keyed by team or user id. */
export type PtAccessPolicies = Record<string, { RoleId: number }>;

/** An environment (endpoint). */
export interface PtEndpoint {
  Id: number;
  Name: string;
  Type: number;
  URL: string;
  GroupId: number;
  PublicURL: string;
  TLS: boolean;
  TLSSkipVerify: boolean;
  TagIds: number[];
  TeamAccessPolicies: PtAccessPolicies;
  UserAccessPolicies: PtAccessPolicies;
  AgentVersion: string;
  /** 1 up, 2 down: set by each snapshot. */
  Status: 1 | 2;
  /** The last Docker snapshot (Portainer keeps one). */
  Snapshots: PtDockerSnapshot[];
}

/** A registry; `Password` is stored but never rendered. */
export interface PtRegistry {
  Id: number;
  Type: number;
  Name: string;
  URL: string;
  BaseURL: string;
  Authentication: boolean;
  Username: string;
  Password: string;
  RegistryAccesses: Record<
    string,
    {
      UserAccessPolicies: PtAccessPolicies | null;
      TeamAccessPolicies: PtAccessPolicies | null;
      Namespaces: string[] | null;
    }
  >;
}

/** Everything the Portainer simulator holds; served at `GET /_lab/state` (passwords and keys masked). */
export interface PortainerState {
  users: PtUser[];
  teams: PtTeam[];
  memberships: PtMembership[];
  endpoints: PtEndpoint[];
  registries: PtRegistry[];
  /** Existing tags (Portainer refuses unknown TagIds with 500). */
  tags: PtTag[];
  /** Portainer's instance id (`/api/status`). */
  instanceId: string;
  nextId: Record<string, number>;
  /** Authentication settings (`/api/settings`); a fresh Portainer's until first written. */
  settings?: PtSettings;
}

/**
 * Renders an environment like Portainer CE (`portainer.Endpoint`); lists leave the raw snapshot
 * out (`excludeSnapshotRaw`), as Portainer's environment list does.
 */
export function renderEndpoint(e: PtEndpoint, withRaw = true) {
  return {
    Id: e.Id,
    Name: e.Name,
    Type: e.Type,
    ContainerEngine: 'docker',
    URL: e.URL,
    GroupId: e.GroupId,
    PublicURL: e.PublicURL,
    Gpus: [],
    TLSConfig: { TLS: e.TLS, TLSSkipVerify: e.TLSSkipVerify },
    TagIds: e.TagIds,
    Status: e.Status,
    Snapshots: e.Snapshots.map(snap =>
      withRaw ? snap : { ...snap, DockerSnapshotRaw: {} },
    ),
    UserAccessPolicies: e.UserAccessPolicies,
    TeamAccessPolicies: e.TeamAccessPolicies,
    EdgeKey: '',
    EdgeCheckinInterval: 0,
    Kubernetes: {
      Snapshots: [],
      Configuration: {
        UseLoadBalancer: false,
        UseServerMetrics: false,
        EnableResourceOverCommit: false,
        ResourceOverCommitPercentage: 0,
        StorageClasses: null,
        IngressClasses: null,
        RestrictDefaultNamespace: false,
        IngressAvailabilityPerNamespace: true,
        AllowNoneIngressClass: false,
      },
      Flags: {
        IsServerMetricsDetected: false,
        IsServerIngressClassDetected: false,
        IsServerStorageDetected: false,
      },
    },
    ComposeSyntaxMaxVersion: '',
    SecuritySettings: {
      allowBindMountsForRegularUsers: true,
      allowPrivilegedModeForRegularUsers: true,
      allowVolumeBrowserForRegularUsers: false,
      allowHostNamespaceForRegularUsers: true,
      allowDeviceMappingForRegularUsers: true,
      allowStackManagementForRegularUsers: true,
      allowContainerCapabilitiesForRegularUsers: true,
      allowSysctlSettingForRegularUsers: true,
      enableHostManagementFeatures: false,
    },
    LastCheckInDate: 0,
    QueryDate: 0,
    Heartbeat: false,
    Edge: {
      AsyncMode: false,
      PingInterval: 0,
      SnapshotInterval: 0,
      CommandInterval: 0,
    },
    Agent: { Version: e.AgentVersion },
    PostInitMigrations: { MigrateIngresses: true, MigrateGPUs: true },
    ...(e.TLS ? { TLS: true } : {}),
    AuthorizedUsers: null,
    AuthorizedTeams: null,
    Tags: null,
  };
}

/** Renders a registry without its password (Portainer's `hideFields`). */
export function renderRegistry(r: PtRegistry) {
  return {
    Id: r.Id,
    Type: r.Type,
    Name: r.Name,
    URL: r.URL,
    BaseURL: r.BaseURL,
    Authentication: r.Authentication,
    Username: r.Username,
    ManagementConfiguration: null,
    Gitlab: { ProjectId: 0, InstanceURL: '', ProjectPath: '' },
    Quay: { UseOrganisation: false, OrganisationName: '' },
    Ecr: { Region: '' },
    RegistryAccesses: r.RegistryAccesses,
    UserAccessPolicies: null,
    TeamAccessPolicies: null,
    AuthorizedUsers: null,
    AuthorizedTeams: null,
  };
}

/** Renders a user (`portainer.User` without Password). */
export function renderUser(u: PtUser) {
  return {
    Id: u.Id,
    Username: u.Username,
    Role: u.Role,
    TokenIssueAt: 0,
    ThemeSettings: { color: 'auto' },
    UseCache: true,
    PortainerAuthorizations: null,
    EndpointAuthorizations: null,
  };
}
