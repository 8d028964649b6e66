import { type AgentLink, agentRequest } from '../tls/agentSignature';
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

async function getJson(
  base: URL,
  path: string,
  timeoutMs: number,
  link?: AgentLink,
) {
  const res = await agentRequest(new URL(path, base), link, {
    timeoutMs,
    maxBytes: MAX_BODY,
  });
  if (res.status < 200 || res.status > 299) {
    let message = '';
    try {
      message = String(JSON.parse(res.body).message ?? '');
    } catch {
      // not JSON: the status says it
    }
    throw new Error(
      `${path}: status ${res.status}${message ? `: ${message}` : ''}`,
    );
  }
  return JSON.parse(res.body);
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
  link?: AgentLink,
): Promise<PtDockerSnapshot> {
  const base = agentBaseUrl(endpointUrl, link);
  if (!base) throw new Error(`invalid environment URL ${endpointUrl}`);
  const [info, version, containers, images] = await Promise.all([
    getJson(base, '/info', timeoutMs, link),
    getJson(base, '/version', timeoutMs, link),
    getJson(base, '/containers/json?all=1', timeoutMs, link),
    getJson(base, '/images/json', timeoutMs, link),
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
