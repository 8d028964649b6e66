import type { DockerApi } from '@docker-env/plugin-docker-env-node';
import type { NetBoxApi } from '@docker-env/plugin-docker-env-node';
import type { PortainerApi } from '@docker-env/plugin-docker-env-node';
import type { ProxmoxClient } from '@docker-env/plugin-docker-env-node';
import type { RouteWriter } from '@docker-env/plugin-docker-env-node';
import type { TeamResolver } from '../provisioning/types';
import type { OwnerRegistry } from '../registries/config';

/**
 * The lifecycle operations built from steps (snapshot list and the containers read model are plain reads).
 *
 * @public
 */
export type LifecycleKind =
  | 'pause'
  | 'resume'
  | 'snapshot_create'
  | 'snapshot_rollback'
  | 'snapshot_delete'
  | 'delete'
  | 'resize'
  | 'transfer';

/**
 * Every {@link LifecycleKind}, in a stable order (tests enumerate them).
 *
 * @public
 */
export const LIFECYCLE_KINDS: readonly LifecycleKind[] = [
  'pause',
  'resume',
  'snapshot_create',
  'snapshot_rollback',
  'snapshot_delete',
  'delete',
  'resize',
  'transfer',
];

/**
 * How the steps reach one environment's Docker engine (Portainer's Docker proxy or the guest directly).
 *
 * @public
 */
export type DockerChannel = (environment: {
  /** The guest's current IPv4 address. */
  ip: string;
  /** The environment's Portainer endpoint id. */
  endpointId?: number;
}) => DockerApi;

/**
 * The clients the lifecycle steps use; all of them are the production clients of this package.
 *
 * @public
 */
export interface LifecycleDeps {
  proxmox: ProxmoxClient;
  portainer: Pick<
    PortainerApi,
    | 'getEndpoint'
    | 'findOwnedEndpoint'
    | 'deleteEndpoint'
    | 'revokeTeamAccess'
    | 'listEndpoints'
    | 'listTeams'
    | 'deleteTeam'
    | 'listTags'
    | 'deleteTag'
    | 'updateAgentAddress'
    | 'ensureTeam'
    | 'grantTeamAccess'
    | 'listTeamMemberships'
    | 'findUserByUsername'
    | 'addTeamMember'
    | 'ensureRegistry'
    | 'listRegistries'
    | 'grantRegistryAccess'
    | 'revokeRegistryAccess'
  >;
  netbox: Pick<
    NetBoxApi,
    | 'getVirtualMachineById'
    | 'updateVirtualMachine'
    | 'setVirtualMachineStatus'
    | 'changePrimaryIp4'
    | 'releasePrimaryIp4'
  >;
  /** The route writer on the Traefik route folder (every route change goes through it). */
  routes: RouteWriter;
  docker: DockerChannel;
  /** The owner's current members (the transfer gives the new owner's team its members); none when not given. */
  teams?: TeamResolver;
}

/**
 * Settings of the lifecycle steps (`dockerEnv.lifecycle`, see {@link readLifecycleConfig}).
 *
 * @public
 */
export interface LifecycleConfig {
  /** Seconds PVE waits for a clean shutdown before it stops the CT (`forceStop`). Default 60. */
  shutdownTimeoutSeconds: number;
  /** Seconds Docker waits for one container to stop before it kills it. Default 20. */
  containerStopTimeoutSeconds: number;
  /** Upper bound for one Proxmox task (start, shutdown, rollback, destroy, snapshot). Default 300 000. */
  taskTimeoutMs: number;
  /** Upper bound for one backup (vzdump) task. Default 3 600 000. */
  backupTimeoutMs: number;
  /** How long to wait for the guest's IPv4 address after a start. Default 120 000. */
  ipTimeoutMs: number;
  /** How long to wait for the guest's Docker engine (and Portainer agent) after a start. Default 120 000. */
  dockerReadyTimeoutMs: number;
  /** Poll interval for IP and Docker readiness. Default 1000. */
  pollIntervalMs: number;
  /** PVE storage that receives the final backup of a deleted environment (`vzdump --storage`). */
  backupStorage: string;
  /** `snapshot` (default) or `stop`: how vzdump takes the final backup. */
  backupMode: 'snapshot' | 'stop';
  /** Where a paused environment's routes point: a Traefik service (`paused@file`) or a paused-page URL. */
  pausedRoute: { service?: string; url?: string };
  /** Name of the Portainer agent container (never stopped or removed by a step; it dies with the CT). */
  agentContainerName: string;
  /** Port of the Portainer agent on the guest. Default 9001. */
  agentPort: number;
  /** Prefix of the Portainer teams provisioning creates (our mark on teams); default `docker-env-`. */
  teamPrefix: string;
  /** The registries per owner (`dockerEnv.registries[]`): a transfer moves their access to the new owner. */
  registries?: OwnerRegistry[];
}

/**
 * What the lifecycle steps read from `StepContext.facts` (learnt by provisioning and earlier operations of the
 * environment, so the runner must carry an environment's facts from one operation to the next) and the facts they
 * learn. Input of an operation (snapshot name and description) comes as facts too.
 *
 * @public
 */
export interface LifecycleFacts {
  /** CT id (provisioning). */
  vmid: number;
  /** The guest's IPv4 address (provisioning; resume and rollback learn the new one). */
  ip: string;
  /** Portainer endpoint id (provisioning). */
  endpointId?: number;
  /** CT node (provisioning). */
  node?: string;
  /** Portainer team that was given access (provisioning). */
  teamId?: number;
  /** NetBox VM id (provisioning). */
  netboxVmId?: number;
  /** Names of the containers that ran when the environment was paused (pause learns it, resume reads it). */
  runningContainers?: string[];
  /** Snapshot name, input of snapshot_create, snapshot_rollback and snapshot_delete. */
  snapshotName?: string;
  /** Snapshot description, input of snapshot_create. */
  snapshotDescription?: string;
  /** Volume id of the final backup (delete learns it). */
  finalBackupVolid?: string;
}
