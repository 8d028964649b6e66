/**
 * How to reach a Docker engine.
 *
 * @public
 */
export type DockerConnectionSpec =
  | {
      /**
       * Through Portainer's Docker proxy `/api/endpoints/{endpointId}/docker/...` (the safe
       * default: the engine is reached by Portainer's agent over TLS, the portal only needs the
       * Portainer API key).
       */
      kind: 'portainer';
      /** Portainer's root URL (`https://portainer.example.com:9443`, with or without `/api`). */
      baseUrl: string;
      /** Administrator API key (`ptr_...`), sent as `X-API-Key`. */
      apiKey: string;
      /** The Portainer environment (endpoint) id of the engine. */
      endpointId: number;
      /** PEM CA to trust for an https Portainer with its own CA. */
      caPem?: string;
      /** Required for an `http:` baseUrl; accepted for loopback hosts only (the lab). */
      allowInsecure?: boolean;
    }
  | {
      /**
       * Plain TCP Docker API without TLS (`http://host:port`): anyone on the path can drive the
       * engine, so it needs `allowInsecure: true` and a loopback host (the lab's `127.10.0.101:2375`).
       */
      kind: 'tcp';
      host: string;
      port: number;
      allowInsecure?: boolean;
    }
  | {
      /** A unix socket (`/var/run/docker.sock`, a podman API socket). */
      kind: 'socket';
      socketPath: string;
    }
  | {
      /** SSH to the guest, which runs `docker system dial-stdio`; the host key is pinned. */
      kind: 'ssh';
      host: string;
      port?: number;
      username: string;
      /** PEM/OpenSSH private key. */
      privateKey: string | Buffer;
      /** Expected host key: `SHA256:<base64>` as OpenSSH prints it, or 64 hex digits. */
      hostKeySha256: string;
    };

/**
 * Port mapping of a container.
 *
 * @public
 */
export interface PortMapping {
  containerPort: number;
  protocol?: 'tcp' | 'udp';
  /** Host port; omitted = the engine picks one. */
  hostPort?: number;
  /** Host address to bind; omitted = all addresses. */
  hostIp?: string;
}

/**
 * A health check; durations in milliseconds (converted to the API's nanoseconds).
 *
 * @public
 */
export interface HealthCheckSpec {
  /** `['CMD', 'curl', '-f', 'http://localhost/health']` or `['CMD-SHELL', '...']`. */
  test: string[];
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  startPeriodMs?: number;
}

/**
 * What {@link DockerApi.createContainer} creates.
 *
 * @public
 */
export interface CreateContainerInput {
  name: string;
  image: string;
  env?: Record<string, string>;
  labels?: Record<string, string>;
  cmd?: string[];
  entrypoint?: string[];
  ports?: PortMapping[];
  restartPolicy?: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  /** Only with `on-failure`. */
  maxRetries?: number;
  memoryBytes?: number;
  /** CPU limit in CPUs (e.g. 0.5), sent as NanoCpus. */
  cpus?: number;
  healthcheck?: HealthCheckSpec;
  /** `bridge` (default), `host`, or a network name. */
  networkMode?: string;
}

/**
 * The typed health of a container.
 *
 * @public
 */
export interface ContainerHealth {
  status: 'starting' | 'healthy' | 'unhealthy';
  failingStreak: number;
  log: Array<{ start: string; end: string; exitCode: number; output: string }>;
}

/**
 * Options of {@link DockerApi.inspect}.
 *
 * @public
 */
export interface InspectOptions {
  /** Return environment values too; default false (only their names). */
  includeEnv?: boolean;
}

/**
 * `inspect` reduced to what the platform uses.
 *
 * @public
 */
export interface ContainerDetails {
  id: string;
  /** Without the leading slash. */
  name: string;
  image: string;
  imageId: string;
  created: string;
  state: {
    status:
      | 'created'
      | 'running'
      | 'paused'
      | 'restarting'
      | 'removing'
      | 'exited'
      | 'dead';
    running: boolean;
    exitCode: number;
    error: string;
    startedAt: string;
    finishedAt: string;
  };
  /** Undefined when the container has no health check. */
  health?: ContainerHealth;
  labels: Record<string, string>;
  /** Names of the environment variables. */
  envKeys: string[];
  /** Environment values: only when inspected with `includeEnv` (they are often secrets). */
  env?: Record<string, string>;
  ports: Array<{
    containerPort: number;
    protocol: string;
    hostIp?: string;
    hostPort?: number;
  }>;
  restartPolicy: string;
  restartCount: number;
  memoryBytes: number;
  nanoCpus: number;
  /** `bridge`, `host` or a network name (HostConfig.NetworkMode). */
  networkMode: string;
}

/**
 * One entry of {@link DockerApi.listContainers}.
 *
 * @public
 */
export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  state: string;
  status: string;
  labels: Record<string, string>;
  created: number;
  ports: Array<{
    containerPort: number;
    protocol: string;
    hostIp?: string;
    hostPort?: number;
  }>;
}

/**
 * Filters of {@link DockerApi.listContainers}.
 *
 * @public
 */
export interface ListContainersOptions {
  /** Include stopped containers. */
  all?: boolean;
  /** Label filters: `{key: value}` matches key=value, `{key: true}` matches the key's presence. */
  labels?: Record<string, string | true>;
  /** Container name (exact). */
  name?: string;
  status?: Array<
    | 'created'
    | 'restarting'
    | 'running'
    | 'removing'
    | 'paused'
    | 'exited'
    | 'dead'
  >;
}

/**
 * Logs split into streams.
 *
 * @public
 */
export interface ContainerLogs {
  stdout: string;
  stderr: string;
  /** True when the output went past `maxBytes` and was cut there. */
  truncated: boolean;
}

/**
 * Options of {@link DockerApi.logs} and {@link DockerApi.streamLogs}.
 *
 * @public
 */
export interface LogsOptions {
  stdout?: boolean;
  stderr?: boolean;
  /** Last N lines; default 1000 (at most 100000). */
  tail?: number;
  timestamps?: boolean;
  /** Only lines since this time. */
  since?: Date;
  /** Only lines before this time. */
  until?: Date;
  /** Bytes kept by {@link DockerApi.logs}; default 1 MiB (at most 64 MiB). */
  maxBytes?: number;
}

/**
 * One piece of log output.
 *
 * @public
 */
export interface LogChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/**
 * Callbacks of {@link DockerApi.streamLogs}.
 *
 * @public
 */
export interface LogStreamHandlers {
  onChunk(chunk: LogChunk): void;
  /** The engine ended the stream (the container stopped, or without `follow` all was sent). */
  onEnd?(): void;
  onError?(e: Error): void;
}

/**
 * One stats sample, computed like `docker stats`.
 *
 * @public
 */
export interface ContainerStats {
  cpuPercent: number;
  memoryUsageBytes: number;
  memoryLimitBytes: number;
  memoryPercent: number;
  networkRxBytes: number;
  networkTxBytes: number;
  read: string;
  /** The container's CPU time so far (ns) and the host's (ns, all cores), for a CPU figure between two samples. */
  cpuTotalNs: number;
  systemCpuNs: number;
  onlineCpus: number;
}

/**
 * An event from `/events`.
 *
 * @public
 */
export interface DockerEventMessage {
  type: string;
  action: string;
  id: string;
  attributes: Record<string, string>;
  time: number;
  timeNano?: number;
}

/**
 * Registry credentials for pulls.
 *
 * @public
 */
export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress?: string;
}
