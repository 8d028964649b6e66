import { agentBaseUrl } from './agent';

/** `portainer.DockerSnapshot` as Portainer stores it on an environment (`Snapshots[0]`). */
export interface PtDockerSnapshot {
  Time: number;
  DockerVersion: string;
  Swarm: boolean;
  TotalCPU: number;
  TotalMemory: number;
  ContainerCount: number;
  RunningContainerCount: number;
  StoppedContainerCount: number;
  HealthyContainerCount: number;
  UnhealthyContainerCount: number;
  VolumeCount: number;
  ImageCount: number;
  ServiceCount: number;
  StackCount: number;
  NodeCount: number;
  GpuUseAll: boolean;
  GpuUseList: string[];
  IsPodman: boolean;
  DiagnosticsData: Record<string, unknown>;
  DockerSnapshotRaw: {
    Containers: unknown[];
    Images: unknown[];
    Info: unknown;
    Version: unknown;
    Volumes: { Volumes: unknown[]; Warnings: null };
    Networks: unknown[];
  };
}

const MAX_BODY = 8 * 1024 * 1024;

async function getJson(base: URL, path: string, timeoutMs: number) {
  const res = await fetch(new URL(path, base), {
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (text.length > MAX_BODY) throw new Error(`${path}: body too large`);
  if (!res.ok) throw new Error(`${path}: status ${res.status}`);
  return JSON.parse(text);
}

/**
 * Snapshots an agent environment the way Portainer's snapshot service does: reads the engine's
 * info, version, containers (all) and images through the agent and counts them. Throws when the
 * agent does not answer (Portainer then marks the environment down).
 */
export async function takeDockerSnapshot(
  endpointUrl: string,
  nowSec: number,
  timeoutMs = 10_000,
): Promise<PtDockerSnapshot> {
  const base = agentBaseUrl(endpointUrl);
  if (!base) throw new Error(`invalid environment URL ${endpointUrl}`);
  const [info, version, containers, images] = await Promise.all([
    getJson(base, '/info', timeoutMs),
    getJson(base, '/version', timeoutMs),
    getJson(base, '/containers/json?all=1', timeoutMs),
    getJson(base, '/images/json', timeoutMs),
  ]);
  const list = containers as Array<{
    State?: string;
    Status?: string;
    Labels?: Record<string, string>;
  }>;
  const stacks = new Set(
    list
      .map(c => c.Labels?.['com.docker.compose.project'])
      .filter((p): p is string => Boolean(p)),
  );
  const running = list.filter(c => c.State === 'running').length;
  return {
    Time: nowSec,
    DockerVersion: String(version.Version ?? ''),
    Swarm: false,
    TotalCPU: Number(info.NCPU ?? 0),
    TotalMemory: Number(info.MemTotal ?? 0),
    ContainerCount: list.length,
    RunningContainerCount: running,
    StoppedContainerCount: list.length - running,
    HealthyContainerCount: list.filter(c => /\(healthy\)/.test(c.Status ?? ''))
      .length,
    UnhealthyContainerCount: list.filter(c =>
      /\(unhealthy\)/.test(c.Status ?? ''),
    ).length,
    VolumeCount: 0,
    ImageCount: (images as unknown[]).length,
    ServiceCount: 0,
    StackCount: stacks.size,
    NodeCount: 1,
    GpuUseAll: false,
    GpuUseList: [],
    IsPodman: false,
    DiagnosticsData: {},
    DockerSnapshotRaw: {
      Containers: list,
      Images: images,
      Info: info,
      Version: version,
      Volumes: { Volumes: [], Warnings: null },
      Networks: [],
    },
  };
}
