import type { Config } from '@backstage/config';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  ProxmoxApiClient,
  UpstreamApiError,
  type ProxmoxClient,
  type RrdPoint,
} from '@docker-env/plugin-docker-env-node';
import {
  dockerChannelFromConfig,
  type DockerChannel,
} from '@docker-env/plugin-docker-env-workflows-node';
import type { DockerLocation } from '../containers';
import {
  readContainerUsage,
  type ContainerUsage,
  type SampleMemory,
} from './containerUsage';

/** The ranges of `GET /environments/{name}/usage`: Proxmox's rrd timeframes below a year. */
export const USAGE_RANGES = ['hour', 'day', 'week', 'month'] as const;
/** One of {@link USAGE_RANGES}. */
export type UsageRange = (typeof USAGE_RANGES)[number];

/** Seconds between two points of each range (Proxmox's RRD resolutions). */
export const RRD_STEP_SECONDS: Record<UsageRange, number> = {
  hour: 60,
  day: 1800,
  week: 10800,
  month: 43200,
};

/** The units of {@link UsageReport} `series` and `current`. */
export const USAGE_UNITS = {
  cpu: 'fraction of limits.cpuCores',
  mem: 'bytes',
  disk: 'bytes',
  netin: 'bytes/s',
  netout: 'bytes/s',
} as const;

/** One point: PVE's `rrddata` AVERAGE, a metric it does not know for that time left out. */
export type UsagePoint = Pick<
  RrdPoint,
  'time' | 'cpu' | 'mem' | 'disk' | 'netin' | 'netout'
>;

/** What `GET /environments/{name}/usage` answers. */
export interface UsageReport {
  range: UsageRange;
  stepSeconds: number;
  units: typeof USAGE_UNITS;
  /** The CT's limits as Proxmox has them (cores, memory and root disk size). */
  limits: { cpuCores: number; memoryBytes: number; diskBytes: number };
  /** `status/current`: cpu (fraction), mem, disk, cumulative net bytes, uptime. */
  current: {
    status: string;
    cpu: number;
    mem: number;
    disk: number;
    netin: number;
    netout: number;
    uptime: number;
  };
  series: UsagePoint[];
  /** Per container, from the engine; empty while the CT is stopped. */
  containers: ContainerUsage[];
  /** Why `containers` is empty although the CT runs (the engine could not be read). */
  containersError?: string;
  /** When this was read (answers within `cacheMs` share it). */
  readAt: string;
}

/** The environment as the usage read needs it. */
export interface UsageTarget {
  id: string;
  vmid: number;
  node: string | null;
  /** Where its engine is, when it runs. */
  docker?: DockerLocation;
}

/** Usage of environments, cached per environment and range for `cacheMs`. */
export interface UsageReads {
  read(target: UsageTarget, range: UsageRange): Promise<UsageReport>;
}

/** The most cached reports kept (the oldest is dropped). */
const MAX_CACHED = 500;

/** Keeps PVE's keys of the series, no others. */
function point(p: RrdPoint): UsagePoint {
  const out: UsagePoint = { time: p.time };
  for (const key of ['cpu', 'mem', 'disk', 'netin', 'netout'] as const)
    if (typeof p[key] === 'number') out[key] = p[key];
  return out;
}

/** A Proxmox failure as 503 naming Proxmox. */
async function fromProxmox<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof UpstreamApiError)
      throw new ServiceUnavailableError(
        `proxmox: the usage could not be read: ${error.message}`,
      );
    throw error;
  }
}

/**
 * {@link UsageReads} over Proxmox (`rrddata`, `status/current`) and the environment's Docker engine (`stats` with
 * `one-shot=true`, bounded concurrency). Answers within `cacheMs` (default 10 s, the page refreshes every 15 s)
 * share one read, so many open pages cost one set of upstream calls.
 */
export function usageReadsFromConfig(
  config: Config,
  options: {
    proxmox?: ProxmoxClient;
    docker?: DockerChannel;
    cacheMs?: number;
    now?: () => number;
  } = {},
): UsageReads {
  let proxmox = options.proxmox;
  let docker = options.docker;
  const cacheMs =
    options.cacheMs ??
    config.getOptionalNumber('dockerEnv.usage.cacheMs') ??
    10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; report: Promise<UsageReport> }>();
  const samples: SampleMemory = new Map();

  async function fresh(
    target: UsageTarget,
    range: UsageRange,
  ): Promise<UsageReport> {
    proxmox ??= ProxmoxApiClient.fromConfig(config);
    const pve = target.node ? proxmox.forNode(target.node) : proxmox;
    const [rrd, status] = await fromProxmox(() =>
      Promise.all([
        pve.getRrdData(target.vmid, { timeframe: range, cf: 'AVERAGE' }),
        pve.getStatus(target.vmid),
      ]),
    );
    let containers: ContainerUsage[] = [];
    let containersError: string | undefined;
    if (status.status === 'running' && target.docker) {
      docker ??= dockerChannelFromConfig(config);
      try {
        containers = await readContainerUsage(docker(target.docker), samples);
      } catch (error) {
        containersError = `docker: ${(error as Error).message}`;
      }
    }
    return {
      range,
      stepSeconds: RRD_STEP_SECONDS[range],
      units: USAGE_UNITS,
      limits: {
        cpuCores: status.cpus,
        memoryBytes: status.maxmem,
        diskBytes: status.maxdisk,
      },
      current: {
        status: status.status,
        cpu: status.cpu,
        mem: status.mem,
        disk: status.disk,
        netin: status.netin,
        netout: status.netout,
        uptime: status.uptime,
      },
      series: rrd.map(point),
      containers,
      ...(containersError ? { containersError } : {}),
      readAt: new Date(now()).toISOString(),
    };
  }

  return {
    read(target, range) {
      const key = `${target.id}:${range}`;
      const hit = cache.get(key);
      if (hit && now() - hit.at < cacheMs) return hit.report;
      const report = fresh(target, range);
      cache.delete(key);
      cache.set(key, { at: now(), report });
      // a failed read is not kept
      report.catch(() => cache.delete(key));
      if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
      return report;
    },
  };
}
