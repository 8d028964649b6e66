import type { HealthConfig } from './images';

/** An error the engine answers with: status code and the engine's own message. */
export class EngineError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

/** A local image in a simulated engine. */
export interface SimImage {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Created: string;
  Size: number;
  Config: {
    Env: string[];
    Cmd: string[] | null;
    ExposedPorts: Record<string, object>;
    Labels: Record<string, string>;
    Healthcheck?: HealthConfig;
  };
}

/** Docker's HealthcheckResult. */
export interface HealthLogEntry {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

/** Docker's container State object. */
export interface SimState {
  Status:
    | 'created'
    | 'running'
    | 'paused'
    | 'restarting'
    | 'removing'
    | 'exited'
    | 'dead';
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  Health?: {
    Status: 'starting' | 'healthy' | 'unhealthy';
    FailingStreak: number;
    Log: HealthLogEntry[];
  };
}

/** How a container's simulated program answers HTTP and health checks; changeable at runtime. */
export interface ContainerBehaviour {
  /** Status for every path (label `lab.http.status`, env `LAB_HTTP_STATUS`); default 200. */
  httpStatus: number;
  /** Path with its own status (label `lab.health.path`, env `LAB_HEALTH_PATH`); default `/health`. */
  healthPath: string;
  /** Status on `healthPath` (label `lab.health.status`, env `LAB_HEALTH_STATUS`); default `httpStatus`. */
  healthStatus?: number;
  /** Outcome of health checks that call no URL (label `lab.health.outcome`): healthy | unhealthy. */
  healthOutcome: 'healthy' | 'unhealthy';
  /** The program exits this long after start (label `lab.exit.after.ms`); undefined = runs until stopped. */
  exitAfterMs?: number;
  /** Exit code when it exits by itself (label `lab.exit.code`); default 0. */
  exitCode: number;
}

/** One log line of a container. */
export interface LogLine {
  stream: 1 | 2;
  time: Date;
  text: string;
}

/** A container in a simulated engine (the inspect document plus what the simulator keeps beside it). */
export interface SimContainer {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: SimState;
  Image: string;
  Name: string;
  RestartCount: number;
  Driver: string;
  Platform: string;
  Config: Record<string, any> & {
    Image: string;
    Env: string[];
    Labels: Record<string, string>;
    ExposedPorts: Record<string, object>;
    Healthcheck?: HealthConfig;
    Tty: boolean;
  };
  HostConfig: Record<string, any> & {
    PortBindings: Record<string, Array<{ HostIp?: string; HostPort?: string }>>;
    RestartPolicy: { Name: string; MaximumRetryCount: number };
    Memory: number;
    NanoCpus: number;
  };
  NetworkSettings: Record<string, any> & {
    Ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null>;
  };
  /** Not part of the API: simulator bookkeeping, stripped from inspect. */
  lab: {
    imageRef: string;
    behaviour: ContainerBehaviour;
    logs: LogLine[];
    manuallyStopped: boolean;
    startedAtMs?: number;
    startedAtNs?: number;
    cpuNs: number;
    lastSample?: { cpuNs: number; systemNs: number; read: string };
    netRx: number;
    netTx: number;
  };
}

/** A Docker event as `/events` streams it. */
export interface DockerEvent {
  status?: string;
  id?: string;
  from?: string;
  Type: 'container' | 'image' | 'network' | 'volume' | 'daemon';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
}

/** RFC 3339 with nanoseconds, as the engine prints times. */
export function rfc3339Nano(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** Marks a container exited now with `exitCode` (its program is gone, nothing restarts it yet). */
export function markExited(c: SimContainer, exitCode: number): void {
  Object.assign(c.State, {
    Status: 'exited',
    Running: false,
    Paused: false,
    Restarting: false,
    Pid: 0,
    ExitCode: exitCode,
    FinishedAt: rfc3339Nano(new Date()),
  });
}

/** Go's zero time, which the engine prints for "never". */
export const ZERO_TIME = '0001-01-01T00:00:00Z';
