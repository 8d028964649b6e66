/**
 * Configuration of the docker-env workflows: the provisioning, lifecycle and deployment steps. The external
 * systems they call are configured in docker-env-node's config.d.ts (same conventions: `timeoutMs` in
 * milliseconds, a bad value fails at start-up with a ConfigError naming the key).
 */
export interface Config {
  dockerEnv?: {
    /** Deployment rollouts (blue-green on the environment's engine); see src/deployments/README.md. All optional. */
    deployments?: {
      /** Health checks before a new container counts as failed; default 12. */
      healthTries?: number;
      /** Pause between health checks in ms; default 5000. */
      healthIntervalMs?: number;
      /** Deadline of one HTTP health request in ms; default 3000. */
      healthRequestTimeoutMs?: number;
      /** How long the old container keeps running after the switch, in ms; default 30000. */
      graceMs?: number;
      /** 0 (default): the old container is force-removed after the grace; more: SIGTERM and this many seconds first. */
      stopTimeoutSeconds?: number;
      /** `always` (default) or `missing`: pull only images the engine lacks. */
      pullPolicy?: 'always' | 'missing';
      /** Upper bound of the pull in ms; default 600000. */
      pullTimeoutMs?: number;
      /** Upper bound of every other engine step in ms; default 60000. */
      stepTimeoutMs?: number;
      /** Host ports new containers get; default 20000-20999. */
      hostPorts?: { from: number; to: number };
      /** Network of a container deployed for the first time: `bridge` (default), `host` or a network name. */
      networkMode?: string;
      /** Log lines of a failed container carried by the rollback reason; default 20. */
      failureLogLines?: number;
      /**
       * Key of the HMAC-SHA256 hashes of deployment tokens (at least 32 characters); without it tokens are hashed
       * with scrypt (slower checks). Read by the backend plugin.
       * @visibility secret
       */
      tokenSecret?: string;
    };
    /** Lifecycle operations (pause, resume, snapshots, delete); see src/lifecycle/README.md. */
    lifecycle?: {
      /** PVE storage that receives the final backup (vzdump) of a deleted environment. */
      backupStorage: string;
      /** `snapshot` (default) or `stop`: how vzdump takes the final backup. */
      backupMode?: 'snapshot' | 'stop';
      /** Where a paused environment's routes point: exactly one of a Traefik service or a paused-page URL. */
      pausedRoute: {
        /** A service defined in Traefik's static files, e.g. `paused@file`. */
        service?: string;
        /** The URL of a server that answers the paused page. */
        url?: string;
      };
      /** Seconds PVE waits for a clean shutdown before it stops the CT; default 60. */
      shutdownTimeoutSeconds?: number;
      /** Seconds Docker waits for one container to stop; default 20. */
      containerStopTimeoutSeconds?: number;
      /** Upper bound of one Proxmox task in ms; default 300000. */
      taskTimeoutMs?: number;
      /** Upper bound of the final backup in ms; default 3600000. */
      backupTimeoutMs?: number;
      /** Wait for the guest's address after a start, in ms; default 120000. */
      ipTimeoutMs?: number;
      /** Wait for the guest's Docker engine after a start, in ms; default 120000. */
      dockerReadyTimeoutMs?: number;
      /** Poll interval in ms; default 1000. */
      pollIntervalMs?: number;
      /** The Portainer agent's container name (never stopped or removed by a step); default `portainer_agent`. */
      agentContainerName?: string;
      /** The Portainer agent's port on the guest; default 9001. */
      agentPort?: number;
      /** Prefix of the Portainer teams provisioning creates; default `docker-env-`. */
      teamPrefix?: string;
    };
    /** How new environments are provisioned (the `provision` steps of `src/provisioning`). */
    provisioning?: {
      /** Where a CT comes from; default a linked clone of template 9000. */
      source?: {
        /** `clone` (golden template: Docker and the agent inside, keyctl set) or `osTemplate` (Docker installed over SSH). */
        kind?: 'clone' | 'osTemplate';
        /** Golden template vmid (clone); default 9000. */
        templateVmid?: number;
        /** OS template volume, e.g. `local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst` (osTemplate). */
        ostemplate?: string;
        /** Storage of the root disk (osTemplate); default `local-lvm`. */
        storage?: string;
        bridge?: string;
        /** Public keys put into the CT (osTemplate); the matching private key is `dockerEnv.ssh.privateKey`. */
        sshPublicKeys?: string[];
        distro?: 'debian' | 'ubuntu';
        /** Default `nesting=1`: an API token may set nothing else (keyctl needs root@pam). */
        features?: string;
        /** @visibility secret */
        agentSecret?: string;
      };
      /** MiB of swap per CT; default 512. */
      swapMiB?: number;
      pool?: string;
      /** Per-environment firewall; default enabled, policy in DROP (agent, SSH, ports 80-65535 and ICMP allowed), out ACCEPT. */
      firewall?: {
        enable?: boolean;
        policyIn?: 'ACCEPT' | 'DROP' | 'REJECT';
        policyOut?: 'ACCEPT' | 'DROP' | 'REJECT';
      };
      /** The Portainer agent: port (default 9001) and scheme (`https`; the lab's agent speaks `http`). */
      agent?: { port?: number; scheme?: 'http' | 'https' };
      portainer?: {
        /** Prefix of the teams we create and may delete; default `docker-env-`; empty: we never delete teams. */
        teamPrefix?: string;
        /** Portainer's URL for links; default `dockerEnv.portainer.baseUrl`. */
        publicUrl?: string;
      };
      /** The welcome container the main route serves until the first deployment. */
      welcome?: { image?: string; containerPort?: number; hostPort?: number };
      /** Port in the public URL (`http://<name>.docker.localhost:18000` in the embedded default). */
      publicPort?: number;
      /** NetBox cluster (type Proxmox) the VMs go into; default `proxmox`. */
      netboxCluster?: string;
      /** Per-step timeouts in ms (lxc, start, ip, agent, portainer, welcome, route, netbox). */
      timeouts?: { [step: string]: number };
      /** Poll interval while waiting on tasks, the IP and the agent (task waits start faster); default 250. */
      pollIntervalMs?: number;
    };
  };
}
