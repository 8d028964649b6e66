import type { Config } from '@backstage/config';
import {
  ConfigError,
  buildFromConfig,
  readInteger,
} from '@docker-env/plugin-docker-env-node';
import { DockerClient } from '@docker-env/plugin-docker-env-node';
import { NetBoxClient } from '@docker-env/plugin-docker-env-node';
import { PortainerClient } from '@docker-env/plugin-docker-env-node';
import { ProxmoxApiClient } from '@docker-env/plugin-docker-env-node';
import { SshClient } from '@docker-env/plugin-docker-env-node';
import { TraefikRoutes } from '@docker-env/plugin-docker-env-node';
import { ownerName } from './facts';
import { readOwnerRegistries } from '../registries/config';
import { buildFirewallRules, readFirewallSources } from './firewallRules';
import { scanHostKey } from './hostKeyScan';
import {
  PROVISION_STEP_NAMES,
  type LxcSource,
  type ProvisionStepName,
  type ProvisioningConfig,
  type ProvisioningDeps as Deps,
  type TeamResolver,
} from './types';

const DEFAULT_TIMEOUTS: Record<ProvisionStepName, number> = {
  lxc: 600_000,
  start: 120_000,
  ip: 120_000,
  agent: 300_000,
  portainer: 60_000,
  registries: 60_000,
  welcome: 180_000,
  route: 30_000,
  netbox: 60_000,
};

function readSource(c: Config | undefined): LxcSource {
  const kind = c?.getOptionalString('kind') ?? 'clone';
  if (kind === 'clone')
    return {
      kind,
      templateVmid:
        readInteger(c, 'dockerEnv.provisioning.source', 'templateVmid', {
          min: 100,
          max: 999_999_999,
        }) ?? 9000,
    };
  if (kind === 'osTemplate') {
    const distro = c!.getOptionalString('distro') ?? 'debian';
    if (distro !== 'debian' && distro !== 'ubuntu')
      throw new ConfigError(
        'dockerEnv.provisioning.source.distro: must be debian or ubuntu',
      );
    return {
      kind,
      ostemplate: c!.getString('ostemplate'),
      storage: c!.getOptionalString('storage') ?? 'local-lvm',
      bridge: c!.getOptionalString('bridge'),
      sshPublicKeys: c!.getStringArray('sshPublicKeys'),
      distro,
      features: c!.getOptionalString('features'),
      agentSecret: c!.getOptionalString('agentSecret'),
    };
  }
  throw new ConfigError(
    'dockerEnv.provisioning.source.kind: must be clone or osTemplate',
  );
}

function policy(v: string | undefined, fallback: 'ACCEPT' | 'DROP') {
  const p = v ?? fallback;
  if (p !== 'ACCEPT' && p !== 'DROP' && p !== 'REJECT')
    throw new ConfigError(
      'dockerEnv.provisioning.firewall: policies are ACCEPT, DROP or REJECT',
    );
  return p;
}

function agentScheme(v: string | undefined): 'http' | 'https' {
  if (v === undefined || v === 'https') return 'https';
  if (v === 'http') return 'http';
  throw new ConfigError(
    'dockerEnv.provisioning.agent.scheme: must be https or http',
  );
}

/**
 * Reads `dockerEnv.provisioning` (and the public URL's parts from `dockerEnv.traefik`).
 *
 * @public
 */
export function readProvisioningConfig(config: Config): ProvisioningConfig {
  return buildFromConfig('dockerEnv.provisioning', () => read(config));
}

const SECTION = 'dockerEnv.provisioning';
const PORT = { min: 1, max: 65535 };

function read(config: Config): ProvisioningConfig {
  const c = config.getOptionalConfig(SECTION);
  const traefik = config.getConfig('dockerEnv.traefik');
  const fw = c?.getOptionalConfig('firewall');
  const int = (key: string, range: { min: number; max: number }) =>
    readInteger(c, SECTION, key, range);
  const timeouts = { ...DEFAULT_TIMEOUTS };
  for (const name of PROVISION_STEP_NAMES) {
    const v = int(`timeouts.${name}`, { min: 100, max: 86_400_000 });
    if (v !== undefined) timeouts[name] = v;
  }
  const portainerBase = config
    .getOptionalString('dockerEnv.portainer.baseUrl')
    ?.replace(/\/+$/, '')
    .replace(/\/api$/, '');
  const source = readSource(c?.getOptionalConfig('source'));
  const agentPort = int('agent.port', PORT) ?? 9001;
  // SSH is used on the OS-template path (installing Docker) and with Docker over SSH
  const usesSsh =
    source.kind === 'osTemplate' ||
    config.getOptionalString('dockerEnv.docker.kind') === 'ssh';
  return {
    source,
    swapMiB: int('swapMiB', { min: 0, max: 4_194_304 }) ?? 512,
    pool: c?.getOptionalString('pool'),
    firewall: {
      options: {
        enable: fw?.getOptionalBoolean('enable') ?? true,
        policy_in: policy(fw?.getOptionalString('policyIn'), 'DROP'),
        policy_out: policy(fw?.getOptionalString('policyOut'), 'ACCEPT'),
      },
      rules: buildFirewallRules({
        sources: readFirewallSources(fw),
        agentPort,
        sshPort: usesSsh
          ? config.getOptionalNumber('dockerEnv.ssh.port') ?? 22
          : undefined,
      }),
    },
    agent: {
      port: agentPort,
      scheme: agentScheme(c?.getOptionalString('agent.scheme')),
    },
    portainer: {
      teamPrefix: c?.getOptionalString('portainer.teamPrefix') ?? 'docker-env-',
      publicUrl: c?.getOptionalString('portainer.publicUrl') ?? portainerBase,
    },
    welcome: {
      image: c?.getOptionalString('welcome.image') ?? 'nginx:1.27',
      containerPort: int('welcome.containerPort', PORT) ?? 80,
      hostPort: int('welcome.hostPort', PORT) ?? 8080,
      containerName: 'docker-env-welcome',
    },
    publicUrl: {
      scheme: traefik.getOptionalBoolean('tls') === false ? 'http' : 'https',
      baseDomain: traefik.getString('baseDomain'),
      port: int('publicPort', PORT),
    },
    netbox: {
      clusterType: 'Proxmox',
      cluster: c?.getOptionalString('netboxCluster') ?? 'proxmox',
    },
    registries: readOwnerRegistries(config),
    timeouts,
    pollIntervalMs: int('pollIntervalMs', { min: 10, max: 600_000 }) ?? 250,
  };
}

/**
 * Until the backend passes its catalog-backed resolver: a user owner's team holds that user, a
 * group's team starts empty (Portainer's LDAP sync adds members at login).
 */
const ownerOnlyTeams: TeamResolver = async owner => ({
  members: owner.startsWith('user:') ? [ownerName(owner)] : [],
});

/** Builds the provisioning clients from `dockerEnv.*` config. */
export function provisioningDepsFromConfig(
  config: Config,
  options: { teams?: TeamResolver } = {},
): Deps {
  const hasSsh = config.has('dockerEnv.ssh');
  const viaPortainer =
    (config.getOptionalString('dockerEnv.docker.kind') ?? 'portainer') ===
    'portainer';
  const sshPort = config.getOptionalNumber('dockerEnv.ssh.port') ?? 22;
  return {
    proxmox: ProxmoxApiClient.fromConfig(config),
    portainer: PortainerClient.fromConfig(config),
    netbox: NetBoxClient.fromConfig(config),
    routes: TraefikRoutes.fromConfig(config),
    docker: ({ ip, endpointId }) =>
      viaPortainer && endpointId === undefined
        ? undefined
        : DockerClient.fromConfig(config, { host: ip, endpointId }),
    ...(hasSsh
      ? {
          ssh: target => SshClient.fromConfig(config, target),
          scanHostKey: (host, signal) => scanHostKey(host, sshPort, signal),
        }
      : {}),
    teams: options.teams ?? ownerOnlyTeams,
  };
}
