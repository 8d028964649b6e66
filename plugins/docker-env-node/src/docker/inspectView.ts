import type Docker from 'dockerode';
import type { ContainerDetails } from './types';

function splitEnv(env: string[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env ?? []) {
    const i = e.indexOf('=');
    if (i > 0) out[e.slice(0, i)] = e.slice(i + 1);
  }
  return out;
}

/**
 * Reduces `GET /containers/{id}/json` to {@link ContainerDetails}. Environment values are often
 * secrets: only their names are kept unless `includeEnv` is set.
 */
export function toContainerDetails(
  i: Docker.ContainerInspectInfo,
  options: { includeEnv?: boolean } = {},
): ContainerDetails {
  const env = splitEnv(i.Config?.Env);
  const ports: ContainerDetails['ports'] = [];
  const portMap = (i.NetworkSettings?.Ports ?? {}) as Record<
    string,
    Array<{ HostIp: string; HostPort: string }> | null
  >;
  const exposed = { ...(i.Config?.ExposedPorts ?? {}), ...portMap };
  for (const key of Object.keys(exposed)) {
    const [port, protocol] = key.split('/');
    const bound = portMap[key];
    if (bound && bound.length) {
      for (const b of bound)
        ports.push({
          containerPort: Number(port),
          protocol: protocol ?? 'tcp',
          hostIp: b.HostIp,
          hostPort: Number(b.HostPort),
        });
    } else {
      ports.push({
        containerPort: Number(port),
        protocol: protocol ?? 'tcp',
      });
    }
  }
  const h = i.State?.Health as
    | { Status: string; FailingStreak: number; Log: any[] | null }
    | undefined;
  const health =
    h && ['starting', 'healthy', 'unhealthy'].includes(h.Status)
      ? {
          status: h.Status as 'starting' | 'healthy' | 'unhealthy',
          failingStreak: h.FailingStreak ?? 0,
          log: (h.Log ?? []).map(l => ({
            start: l.Start,
            end: l.End,
            exitCode: l.ExitCode,
            output: l.Output,
          })),
        }
      : undefined;
  return {
    id: i.Id,
    name: i.Name.replace(/^\//, ''),
    image: i.Config?.Image,
    imageId: i.Image,
    created: i.Created,
    state: {
      status: i.State.Status as ContainerDetails['state']['status'],
      running: i.State.Running,
      exitCode: i.State.ExitCode,
      oomKilled: i.State.OOMKilled === true,
      error: i.State.Error ?? '',
      startedAt: i.State.StartedAt,
      finishedAt: i.State.FinishedAt,
    },
    health,
    labels: i.Config?.Labels ?? {},
    envKeys: Object.keys(env),
    ...(options.includeEnv ? { env } : {}),
    ports,
    restartPolicy: i.HostConfig?.RestartPolicy?.Name || 'no',
    restartCount: i.RestartCount ?? 0,
    memoryBytes: i.HostConfig?.Memory ?? 0,
    nanoCpus: i.HostConfig?.NanoCpus ?? 0,
    networkMode: i.HostConfig?.NetworkMode || 'bridge',
  };
}
