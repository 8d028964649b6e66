/**
 * Configuration of the docker-env workflows: the provisioning, lifecycle and deployment steps. The external
 * systems they call are configured in docker-env-node's config.d.ts (same conventions: `timeoutMs` in
 * milliseconds, a bad value fails at start-up with a ConfigError naming the key).
 */
export interface Config {
  dockerEnv?: {
    /**
     * Private registries per owner (docs/gitlab_registry.md), e.g. one GitLab deploy token with `read_registry` per
     * group. Each is registered once in Portainer as `docker-env-registry-<name>` (custom registry, type 3) and granted
     * to the owner's team on each of the owner's environments (provisioning step `registries`, and the registry sync of
     * the backend plugin); removed from this list, it is withdrawn from Portainer. Anyone with team access is root in
     * the CT and can read what its daemon receives: the credential is visible to the owner's team.
     */
    registries?: Array<{
      /** 1-40 lowercase letters, digits or `-`; the Portainer registry is `docker-env-registry-<name>`. */
      name: string;
      /** The owner entity ref whose team may use it, e.g. `group:default/team-a`. */
      owner: string;
      /** `host[:port]`, no scheme, e.g. `gitlab.example.com:5050`. */
      url: string;
      /** The deploy token's user name, e.g. `gitlab+deploy-token-12`. */
      username: string;
      /**
       * The deploy token. Rotation: set the new one here and restart; the registry sync writes it to Portainer.
       * @visibility secret
       */
      password: string;
    }>;
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
       * Key of the HMAC-SHA256 hashes of deployment tokens (at least 32 characters); required in production. Without
       * it (a development start) tokens are hashed with scrypt. Read by the backend plugin.
       * @visibility secret
       */
      tokenSecret?: string;
      /**
       * Key that seals a queued deployment's env values and registry credentials until its rollout ends (AES-256-GCM,
       * at least 32 characters, e.g. `openssl rand -hex 32`); required in production. Rotation: move the key into
       * `previousSecretsKeys`, set a new one, restart every replica; drop the old one once the rollouts queued before
       * ended. Read by the backend plugin.
       * @visibility secret
       */
      secretsKey?: string;
      /**
       * Keys rotated out of `secretsKey` that still open what they sealed.
       * @visibility secret
       */
      previousSecretsKeys?: string[];
      /** Days a deployment token lives when its creation names no `expiresOn`; default 90. Read by the backend plugin. */
      tokenLifetimeDays?: number;
      /** Latest `expiresOn` a token creation may ask for, in days from today; default 365. Read by the backend plugin. */
      tokenMaxLifetimeDays?: number;
      /**
       * Refused deployment-token attempts one client address may make per minute (per replica) before further ones
       * are answered 429 and audited once for the minute; default 20. The address is Express's `req.ip`: behind a
       * reverse proxy set `backend.trustProxy` so it is the client's, not the proxy's. Read by the backend plugin.
       */
      refusedTokenAttemptsPerMinute?: number;
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
      /**
       * Per-environment firewall: enabled, inbound DROP except our ACCEPT rules, each from its `sources` only: the
       * agent port from `portainer` and `portal`, published ports (80-65535 without the agent and SSH ports) from
       * `traefik` and `portal` (deploy health checks call them directly), SSH from `portal` only on the OS-template
       * path or with `dockerEnv.docker.kind: ssh`, ICMP from `icmp`. A role without sources gets no rule.
       */
      firewall?: {
        enable?: boolean;
        /** Inbound policy for what no rule accepts; default DROP. */
        policyIn?: 'ACCEPT' | 'DROP' | 'REJECT';
        /** Egress policy: default ACCEPT (environments pull images); DROP cuts every outbound connection. */
        policyOut?: 'ACCEPT' | 'DROP' | 'REJECT';
        /**
         * IPv4/IPv6 addresses or CIDRs, each a list or a comma-separated string. `0.0.0.0/0` and `::/0` are refused
         * for `portal` and `portainer`; a production start refuses without `portal`, `portainer` and `traefik`.
         */
        sources?: {
          /** The portal's replicas. */
          portal?: string[] | string;
          /** The Portainer server(s). */
          portainer?: string[] | string;
          /** The Traefik host(s). */
          traefik?: string[] | string;
          /** Who may ping environments; none: ICMP dropped. */
          icmp?: string[] | string;
        };
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
