import type { DockerApi } from '@docker-env/plugin-docker-env-node';
import type { OwnerRegistry } from '../registries/config';
import type { NetBoxApi } from '@docker-env/plugin-docker-env-node';
import type { PortainerApi } from '@docker-env/plugin-docker-env-node';
import type { ProxmoxClient } from '@docker-env/plugin-docker-env-node';
import type { SshSession } from '@docker-env/plugin-docker-env-node';
import type { TraefikRouteClient } from '@docker-env/plugin-docker-env-node';
import type {
  LxcFirewallOptions,
  LxcFirewallRule,
} from '@docker-env/plugin-docker-env-node';

/**
 * The Portainer team of an owner and its members (Portainer user names).
 *
 * @public
 */
export interface OwnerTeam {
  /** Members' user names; those Portainer does not know yet (never logged in) are skipped. */
  members: string[];
}

/**
 * Resolves an owner entity ref to its team's members (the team is named by the owner's whole ref,
 * see `portainerTeamName`); the backend resolves catalog groups.
 *
 * @public
 */
export type TeamResolver = (owner: string) => Promise<OwnerTeam>;

/** The clients the provisioning steps use. */
export interface ProvisioningDeps {
  proxmox: ProxmoxClient;
  portainer: PortainerApi;
  netbox: NetBoxApi;
  routes: TraefikRouteClient;
  /**
   * The guest's Docker engine: through Portainer's Docker proxy (the default) once `endpointId` is
   * known, or directly (SSH/TCP). Undefined when the transport needs an endpoint not made yet.
   */
  docker(target: { ip: string; endpointId?: number }): DockerApi | undefined;
  /** SSH to a guest with a pinned host key (OS-template path only). */
  ssh?(target: { host: string; hostKeySha256: string }): SshSession;
  /** Learns a guest's SSH host key at first contact (OS-template path only). */
  scanHostKey?(host: string, signal: AbortSignal): Promise<string>;
  teams: TeamResolver;
}

/**
 * Where a new CT comes from.
 *
 * @public
 */
export type LxcSource =
  | {
      /** Linked clone of the golden template (Docker and the agent inside): the fast path. */
      kind: 'clone';
      templateVmid: number;
    }
  | {
      /**
       * Create from an OS template, then install Docker and the agent over SSH. An API token may
       * set `nesting=1` only; `keyctl=1` (needed by Docker in unprivileged CTs) needs root@pam.
       */
      kind: 'osTemplate';
      ostemplate: string;
      storage: string;
      bridge?: string;
      sshPublicKeys: string[];
      distro: 'debian' | 'ubuntu';
      features?: string;
      agentSecret?: string;
    };

/**
 * Settings of the provisioning steps (`dockerEnv.provisioning`, see config.d.ts).
 *
 * @public
 */
export interface ProvisioningConfig {
  source: LxcSource;
  /** MiB of swap per CT. */
  swapMiB: number;
  pool?: string;
  firewall: { options: LxcFirewallOptions; rules: LxcFirewallRule[] };
  agent: { port: number; scheme: 'http' | 'https' };
  portainer: {
    /** Prefix of the teams we create (our mark on teams: only prefixed teams are ever deleted). */
    teamPrefix: string;
    /** Portainer's public URL for links (`<url>/#!/<id>/docker/dashboard`). */
    publicUrl?: string;
  };
  welcome: {
    image: string;
    containerPort: number;
    hostPort: number;
    containerName: string;
  };
  /** The environment's public URL: `<scheme>://<name>.<baseDomain>[:port]`. */
  publicUrl: { scheme: 'http' | 'https'; baseDomain: string; port?: number };
  netbox: { clusterType: string; cluster: string };
  /** The registries each owner may pull from (`dockerEnv.registries`); none when unset. */
  registries?: OwnerRegistry[];
  /** Per-step timeouts in ms. */
  timeouts: Record<ProvisionStepName, number>;
  /** Poll interval while waiting on tasks, IPs and the agent. */
  pollIntervalMs: number;
}

/**
 * The provisioning steps, in order.
 *
 * @public
 */
export const PROVISION_STEP_NAMES = [
  'lxc',
  'start',
  'ip',
  'agent',
  'portainer',
  'registries',
  'welcome',
  'route',
  'netbox',
] as const;

/**
 * A provisioning step's name.
 *
 * @public
 */
export type ProvisionStepName = (typeof PROVISION_STEP_NAMES)[number];
