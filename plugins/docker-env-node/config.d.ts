/**
 * Configuration of the docker-env infrastructure clients. Each external system has its own
 * section under `dockerEnv`; secrets are marked `@visibility secret` and never reach the browser.
 *
 * One convention everywhere:
 * - `baseUrl` is the server's root URL without the API path; the client adds it.
 * - `timeoutMs` is the timeout of one request, command or call, in milliseconds (SSH also has
 *   `connectTimeoutMs` for the handshake).
 * - SSH sections share one shape (`dockerEnv.ssh`, `dockerEnv.traefik.sftp`).
 * - Plain-text transports (http, tcp Docker) need `allowInsecure: true`, which is accepted for loopback hosts only (the lab).
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
  };
}
