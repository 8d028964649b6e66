/**
 * Configuration of the docker-env infrastructure clients. Each external system has its own
 * section under `dockerEnv`; secrets are marked `@visibility secret` and never reach the browser.
 *
 * One convention everywhere:
 * - `baseUrl` is the server's root URL without the API path; the client adds it.
 * - `timeoutMs` is the timeout of one request, command or call, in milliseconds (SSH also has
 *   `connectTimeoutMs` for the handshake).
 * - SSH sections share one shape (`dockerEnv.ssh`, `dockerEnv.traefik.sftp`).
 * - Plain-text transports (http, ldap:// without StartTLS, SMTP without TLS, tcp Docker) need
 *   `allowInsecure: true`, which is accepted for loopback hosts only (the lab).
 * - Relative paths resolve against the backend's working directory.
 * - A bad value fails at start-up with a ConfigError naming the key.
 */
export interface Config {
  dockerEnv?: {
    /** How the portal reaches each environment's Docker engine (DockerClient.fromConfig). */
    docker?: {
      /**
       * `portainer` (default): through Portainer's Docker proxy `/api/endpoints/{id}/docker/...`
       * with `dockerEnv.portainer`'s URL and key; `ssh`: `docker system dial-stdio` over SSH with
       * `dockerEnv.ssh` and the guest's pinned host key; `socket`: a local socket; `tcp`: the plain
       * Docker API without TLS, only with `allowInsecure: true` and a loopback host (the lab).
       */
      kind?: 'portainer' | 'ssh' | 'socket' | 'tcp';
      /** Fixed engine host for `ssh`/`tcp`; normally the guest address is passed by the caller instead. */
      host?: string;
      /** Docker API port for `tcp`; default 2375. */
      port?: number;
      /** Socket path for `socket`; default `/var/run/docker.sock`. */
      socketPath?: string;
      /** Deadline of every Docker call in ms; default 30000. */
      timeoutMs?: number;
      /** Allow `tcp` (plain text); accepted for loopback hosts only. Default false. */
      allowInsecure?: boolean;
    };
    /** NetBox 4.x: environments are recorded as virtual machines in a cluster of type Proxmox. */
    netbox?: {
      /** Root URL of the server without the API path (the client adds `/api`), e.g. `https://netbox.example.com`. */
      baseUrl: string;
      /** Allow an `http:` baseUrl (token in clear text); accepted for loopback hosts only (the lab). Default false. */
      allowInsecure?: boolean;
      /**
       * API token: `nbt_<key>.<token>` (v2, NetBox 4.5+, sent as `Bearer`) or the 40-character v1 token (sent as `Token`).
       * @visibility secret
       */
      token: string;
      /** Token format; default `v2` when the token starts with `nbt_`, else `v1` (v1 is removed in NetBox 5.0). */
      tokenVersion?: 'v1' | 'v2';
      /** Per-request timeout in ms; default 15000. */
      timeoutMs?: number;
    };
    /** Portainer CE 2.x: one agent environment per container, team access and registries. */
    portainer?: {
      /** Root URL of the server without the API path (the client adds `/api`), e.g. `https://portainer.example.com:9443`. */
      baseUrl: string;
      /** Allow an `http:` baseUrl (API key in clear text); accepted for loopback hosts only (the lab). Default false. */
      allowInsecure?: boolean;
      /**
       * Administrator API key (`ptr_...`), sent as `X-API-Key`.
       * @visibility secret
       */
      apiKey: string;
      /** Per-request timeout in ms; default 15000 (environment creation includes Portainer's 3 s agent ping). */
      timeoutMs?: number;
    };
    /** Proxmox VE: LXC containers for the environments (API token auth). */
    proxmox?: {
      /** Root URL of the server without the API path (the client adds `/api2/json`), e.g. `https://pve.example.com:8006`. */
      baseUrl: string;
      /** Allow an `http:` baseUrl (token in clear text); accepted for loopback hosts only (the lab). Default false. */
      allowInsecure?: boolean;
      /** Node that hosts the containers; default `pve`. */
      node?: string;
      /** API token id `USER@REALM!TOKENID`, e.g. `docker-env@pve!portal`. */
      tokenId: string;
      /**
       * API token secret (UUID).
       * @visibility secret
       */
      tokenSecret: string;
      /** Per-request timeout in ms; default 30000. Requests are never retried automatically. */
      timeoutMs?: number;
      /** TLS for a PVE with a self-signed certificate. */
      tls?: {
        /** PEM CA certificate (e.g. the cluster's /etc/pve/pve-root-ca.pem) to trust. */
        caPem?: string;
        /** Skip certificate verification; lab use only. Default false. */
        insecureSkipVerify?: boolean;
      };
    };
    /** LDAP directory: users and groups for ownership ("me or one of my groups") and team sync. */
    ldap?: {
      /** `ldap://host:389` or `ldaps://host:636`; no credentials in the URL. */
      url: string;
      /** DN of the read-only service account used to search. */
      bindDn: string;
      /**
       * Password of the service account.
       * @visibility secret
       */
      bindPassword: string;
      /** Base DN under which users are searched, e.g. `ou=people,dc=example,dc=org`. */
      userBase: string;
      /** Filter selecting user entries; default `(objectClass=inetOrgPerson)`, AD `(&(objectCategory=person)(objectClass=user))`. */
      userFilter?: string;
      /** Base DN under which groups are searched. */
      groupBase: string;
      /**
       * How membership is stored: `member` (groupOfNames, DNs), `uniqueMember` (groupOfUniqueNames, DNs),
       * `memberUid` (posixGroup, uids) or `ad-nested` (Active Directory, transitive via LDAP_MATCHING_RULE_IN_CHAIN).
       */
      groupMembership: 'member' | 'uniqueMember' | 'memberUid' | 'ad-nested';
      /** Per-request and connect timeout in ms; default 10000. */
      timeoutMs?: number;
      /** Login-name attribute; default `uid` (`sAMAccountName` for `ad-nested`). */
      userIdAttribute?: string;
      /** Group-name attribute; default `cn`. */
      groupNameAttribute?: string;
      /** Group object class; default by style (groupOfNames, groupOfUniqueNames, posixGroup, group). */
      groupObjectClass?: string;
      /** For `member`: resolve members with one paged search on this attribute (e.g. `memberOf` from the memberof overlay) instead of one lookup per member DN. */
      memberOfAttribute?: string;
      /** Page size of paged searches; default 1000. */
      pageSize?: number;
      /** Allow a simple bind over plain `ldap://` without StartTLS; accepted for loopback hosts only (the lab). Default false. */
      allowInsecure?: boolean;
      /** TLS for `ldaps://` or StartTLS; one of them is required unless `allowInsecure`. */
      tls?: {
        /** Upgrade `ldap://` with StartTLS before binding. */
        startTls?: boolean;
        /** PEM CA bundle to trust. */
        ca?: string;
        /** Verify the server certificate; default true. */
        rejectUnauthorized?: boolean;
      };
    };
    /** Outgoing mail (notifications). */
    mail?: {
      /** Sender address, a bare `user@example.org`. */
      from: string;
      /** Sender display name. */
      fromName?: string;
      transport: {
        smtp: {
          host: string;
          port: number;
          /** Implicit TLS (port 465); false uses STARTTLS when offered. Default false. */
          secure?: boolean;
          /** Refuse to send unless STARTTLS succeeds; default true when `auth` is set (false with `auth` needs `allowInsecure`). */
          requireTls?: boolean;
          /** Allow a password over a plain connection; accepted for loopback hosts only (the lab). Default false. */
          allowInsecure?: boolean;
          /** Connect, greeting and socket timeout in ms; default 10000. */
          timeoutMs?: number;
          /** Verify the server certificate; default true. */
          rejectUnauthorized?: boolean;
          auth?: {
            user: string;
            /**
             * SMTP password.
             * @visibility secret
             */
            pass: string;
          };
        };
      };
    };
    /** Delivery policy of signed outgoing webhooks (targets and their secrets come from the caller). */
    webhooks?: {
      /** Hosts deliveries may go to (`hooks.example.org`, `*.example.org`); unset allows any host. */
      allowedHosts?: string[];
      /** Attempts per delivery including the first; default 5. */
      maxAttempts?: number;
      /** First retry delay in ms, doubled per attempt with jitter; default 1000. */
      initialDelayMs?: number;
      /** Cap of one retry delay in ms; default 30000. */
      maxDelayMs?: number;
      /** Budget of a whole delivery including waits, in ms; default 120000. */
      maxTotalMs?: number;
      /** Timeout of one HTTP attempt in ms; default 10000. */
      timeoutMs?: number;
      /**
       * Allow targets that are, or resolve to, loopback, private or link-local addresses (checked
       * on the address connected to, after DNS resolution). Default false: such targets could
       * reach internal admin APIs or cloud metadata (169.254.169.254).
       */
      allowPrivateNetworks?: boolean;
    };
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
      /**
       * Key that seals a queued deployment's env values and registry credentials until its rollout ends (AES-256-GCM,
       * at least 32 characters, e.g. `openssl rand -hex 32`); required in production. Rotation: move the key into
       * `previousSecretsKeys`, set a new one, restart every replica; drop the old one once the rollouts queued before
       * ended. Read by the backend plugin.
       * @visibility secret
       */
      secretsKey?: string;
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
      /**
       * Keys rotated out of `secretsKey` that still open what they sealed.
       * @visibility secret
       */
      previousSecretsKeys?: string[];
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
    /** Traefik routes: one file-provider YAML file per route, written locally or over SFTP. */
    traefik?: {
      /** Base domain; environments get `<name>.<baseDomain>`. */
      baseDomain: string;
      /** Router entry points; default `['websecure']`. */
      entryPoints?: string[];
      /** Terminate TLS on the routers (adds `tls`); default true. */
      tls?: boolean;
      /** Certificate resolver name for `tls.certResolver`, e.g. `letsencrypt`. */
      certResolver?: string;
      /** Request the `*.<baseDomain>` wildcard certificate (`tls.domains`; needs a DNS-01 resolver). */
      wildcardCertificate?: boolean;
      /** Middlewares added to every router, e.g. `secure-headers@file`. */
      middlewares?: string[];
      /** Service used by maintenance routes that name no service or URL, e.g. `maintenance@file`. */
      maintenanceService?: string;
      /** Traefik's `providers.file.directory` when it is on this host; a relative path resolves against the backend's working directory. Created (mode 0755) on the first write if missing. Exclusive with `sftp`. */
      directory?: string;
      /** Traefik's file-provider directory on a remote host, written over SFTP (the SSH shape of `dockerEnv.ssh` plus `host`, `hostKey` and `directory`). Exclusive with `directory`. */
      sftp?: {
        host: string;
        /** Default 22. */
        port?: number;
        username: string;
        /**
         * Private key (OpenSSH or PEM text).
         * @visibility secret
         */
        privateKey: string;
        /**
         * Passphrase of the private key.
         * @visibility secret
         */
        passphrase?: string;
        /** Pinned host key fingerprint as `ssh-keygen -lf` prints it: `SHA256:<base64>`. Required. */
        hostKey: string;
        /** Handshake timeout in ms; default 10000. */
        connectTimeoutMs?: number;
        /** Timeout of each SFTP operation in ms; default 120000. */
        timeoutMs?: number;
        /** Absolute path of the file-provider directory on that host. */
        directory: string;
      };
    };
    /**
     * SSH access to environment hosts (commands, file uploads, Docker installation, and Docker
     * engines for `dockerEnv.docker.kind: ssh`). The one SSH shape: `dockerEnv.traefik.sftp` uses
     * the same field names. Hosts and their pinned keys normally come from the environment record.
     */
    ssh?: {
      /** Login name; default `root`. */
      username?: string;
      /**
       * Private key (OpenSSH or PEM text).
       * @visibility secret
       */
      privateKey: string;
      /**
       * Passphrase of the private key.
       * @visibility secret
       */
      passphrase?: string;
      /** Default port; 22. */
      port?: number;
      /** Pinned host key `SHA256:<base64>` used when the caller gives none. */
      hostKey?: string;
      /** Handshake timeout in ms; default 10000. */
      connectTimeoutMs?: number;
      /** Timeout of each command or SFTP operation in ms; default 120000. */
      timeoutMs?: number;
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
