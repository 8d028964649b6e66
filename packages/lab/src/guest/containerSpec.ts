import {
  type ContainerBehaviour,
  EngineError,
  rfc3339Nano,
  type SimContainer,
  type SimImage,
  ZERO_TIME,
} from './model';
import { fakeSha256 } from './images';

// What `POST /containers/create` checks and stores, split out of DockerEngine (which owns names,
// images and the container's life). Messages are the engine's own (moby daemon/create.go, runconfig).

const RESTART_POLICIES = ['', 'no', 'always', 'unless-stopped', 'on-failure'];

function labelOrEnv(
  labels: Record<string, string>,
  env: string[],
  label: string,
  envKey: string,
) {
  if (labels[label] !== undefined) return labels[label];
  const hit = env.find(e => e.startsWith(`${envKey}=`));
  return hit?.slice(envKey.length + 1);
}

function behaviourOf(
  labels: Record<string, string>,
  env: string[],
): ContainerBehaviour {
  const num = (v: string | undefined) =>
    v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  const httpStatus =
    num(labelOrEnv(labels, env, 'lab.http.status', 'LAB_HTTP_STATUS')) ?? 200;
  return {
    httpStatus,
    healthPath:
      labelOrEnv(labels, env, 'lab.health.path', 'LAB_HEALTH_PATH') ??
      '/health',
    healthStatus: num(
      labelOrEnv(labels, env, 'lab.health.status', 'LAB_HEALTH_STATUS'),
    ),
    healthOutcome:
      labelOrEnv(labels, env, 'lab.health.outcome', 'LAB_HEALTH_OUTCOME') ===
      'unhealthy'
        ? 'unhealthy'
        : 'healthy',
    exitAfterMs: num(labels['lab.exit.after.ms']),
    exitCode: num(labels['lab.exit.code']) ?? 0,
  };
}

/** What {@link buildContainer} needs: the resolved name and image, and the request body. */
export interface ContainerCreateInput {
  id: string;
  /** `/name`, already checked for format and uniqueness. */
  name: string;
  /** The image reference as the caller wrote it. */
  imageName: string;
  image: SimImage;
  body: Record<string, any>;
  /** CPUs of the guest (NanoCpus limit). */
  ncpu: number;
}

/**
 * Validates the create body like the engine (restart policy, memory, NanoCpus, healthcheck
 * durations, port specs; 400 {@link EngineError}s) and builds the container in state `created`.
 */
export function buildContainer({
  id,
  name,
  imageName,
  image,
  body,
  ncpu,
}: ContainerCreateInput): SimContainer {
  const hostConfig = { ...(body.HostConfig ?? {}) };
  const policy = {
    Name: '',
    MaximumRetryCount: 0,
    ...(hostConfig.RestartPolicy ?? {}),
  };
  if (!RESTART_POLICIES.includes(policy.Name)) {
    throw new EngineError(
      400,
      `invalid restart policy: unknown policy '${policy.Name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`,
    );
  }
  if (policy.MaximumRetryCount && policy.Name !== 'on-failure') {
    throw new EngineError(
      400,
      `invalid restart policy: maximum retry count can only be used with 'on-failure'`,
    );
  }
  const memory = Number(hostConfig.Memory ?? 0);
  if (memory !== 0 && memory < 6 * 1024 * 1024)
    throw new EngineError(400, 'Minimum memory limit allowed is 6MB');
  const nanoCpus = Number(hostConfig.NanoCpus ?? 0);
  if (nanoCpus !== 0 && (nanoCpus < 0.01e9 || nanoCpus > ncpu * 1e9)) {
    throw new EngineError(
      400,
      `Range of CPUs is from 0.01 to ${ncpu.toFixed(
        2,
      )}, as there are only ${ncpu} CPUs available`,
    );
  }
  const healthcheck = body.Healthcheck ?? image.Config.Healthcheck;
  if (body.Healthcheck) {
    for (const key of [
      'Interval',
      'Timeout',
      'StartPeriod',
      'StartInterval',
    ] as const) {
      const v = body.Healthcheck[key];
      if (v !== undefined && v !== 0 && v < 1_000_000) {
        throw new EngineError(
          400,
          `${key} in Healthcheck cannot be less than 1ms`,
        );
      }
    }
    if (
      body.Healthcheck.Retries !== undefined &&
      body.Healthcheck.Retries < 0
    ) {
      throw new EngineError(400, 'Retries in Healthcheck cannot be negative');
    }
  }
  for (const port of Object.keys(hostConfig.PortBindings ?? {})) {
    if (!/^\d{1,5}(\/(tcp|udp|sctp))?$/.test(port))
      throw new EngineError(400, `invalid port specification: "${port}"`);
  }
  const env: string[] = [
    ...image.Config.Env,
    ...(Array.isArray(body.Env) ? body.Env : []),
  ];
  const labels: Record<string, string> = {
    ...image.Config.Labels,
    ...(body.Labels ?? {}),
  };
  const exposed: Record<string, object> = {
    ...image.Config.ExposedPorts,
    ...(body.ExposedPorts ?? {}),
  };
  for (const port of Object.keys(hostConfig.PortBindings ?? {})) {
    const key = port.includes('/') ? port : `${port}/tcp`;
    exposed[key] = {};
  }
  const portBindings: Record<string, any> = {};
  for (const [port, list] of Object.entries(hostConfig.PortBindings ?? {})) {
    portBindings[port.includes('/') ? port : `${port}/tcp`] = list;
  }
  const cmd: string[] = body.Cmd ?? image.Config.Cmd ?? [];
  const entrypoint: string[] | null = body.Entrypoint ?? null;
  const argv = [...(entrypoint ?? []), ...cmd];
  const now = new Date();
  const container: SimContainer = {
    Id: id,
    Created: rfc3339Nano(now),
    Path: argv[0] ?? '',
    Args: argv.slice(1),
    State: {
      Status: 'created',
      Running: false,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: 0,
      ExitCode: 0,
      Error: '',
      StartedAt: ZERO_TIME,
      FinishedAt: ZERO_TIME,
    },
    Image: image.Id,
    Name: name,
    RestartCount: 0,
    Driver: 'overlay2',
    Platform: 'linux',
    Config: {
      Hostname: body.Hostname || id.slice(0, 12),
      Domainname: '',
      User: body.User ?? '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ExposedPorts: exposed,
      Tty: body.Tty === true,
      OpenStdin: false,
      StdinOnce: false,
      Env: env,
      Cmd: cmd,
      Healthcheck: healthcheck,
      Image: imageName,
      Volumes: body.Volumes ?? null,
      WorkingDir: body.WorkingDir ?? '',
      Entrypoint: entrypoint,
      OnBuild: null,
      Labels: labels,
      StopSignal: body.StopSignal,
    },
    HostConfig: {
      Binds: hostConfig.Binds ?? null,
      NetworkMode: hostConfig.NetworkMode ?? 'bridge',
      PortBindings: portBindings,
      RestartPolicy: policy,
      AutoRemove: hostConfig.AutoRemove === true,
      PublishAllPorts: hostConfig.PublishAllPorts === true,
      Memory: memory,
      MemorySwap: Number(hostConfig.MemorySwap ?? 0),
      NanoCpus: nanoCpus,
      CpuShares: Number(hostConfig.CpuShares ?? 0),
      LogConfig: hostConfig.LogConfig ?? { Type: 'json-file', Config: {} },
      Privileged: hostConfig.Privileged === true,
      ExtraHosts: hostConfig.ExtraHosts ?? null,
    },
    NetworkSettings: {
      Bridge: '',
      SandboxID: '',
      HairpinMode: false,
      SandboxKey: '',
      Ports: {},
      IPAddress: '',
      IPPrefixLen: 0,
      Gateway: '',
      MacAddress: '',
      Networks: {
        bridge: {
          IPAMConfig: null,
          Links: null,
          Aliases: null,
          NetworkID: fakeSha256('net:bridge'),
          EndpointID: '',
          Gateway: '',
          IPAddress: '',
          IPPrefixLen: 0,
          MacAddress: '',
        },
      },
    },
    lab: {
      imageRef: imageName,
      behaviour: behaviourOf(labels, env),
      logs: [],
      manuallyStopped: false,
      cpuNs: 0,
      netRx: 0,
      netTx: 0,
    },
  };
  return container;
}
