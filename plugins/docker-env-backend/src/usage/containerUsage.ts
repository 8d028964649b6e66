import type {
  ContainerStats,
  DockerApi,
} from '@docker-env/plugin-docker-env-node';

/** One container's share of the environment: CPU, memory and restarts. */
export interface ContainerUsage {
  name: string;
  state: string;
  /** Percent of one core (200 = two cores busy); null when not running. */
  cpuPercent: number | null;
  memoryBytes: number | null;
  restartCount: number;
}

/** The most containers whose stats one usage read asks for. */
export const MAX_STATS_CONTAINERS = 50;

/** At most this many stats / inspect calls run at once against one engine. */
export const STATS_CONCURRENCY = 4;

/** Runs `work` over `items`, at most `limit` at a time, keeping the order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]);
      }
    },
  );
  await Promise.all(lanes);
  return out;
}

/** The most containers whose last sample is remembered (the oldest is dropped). */
const MAX_SAMPLES = 5000;

/** A container's last one-shot sample, so the next read can compute CPU over the time between them. */
export type SampleMemory = Map<
  string,
  Pick<ContainerStats, 'cpuTotalNs' | 'systemCpuNs'>
>;

/**
 * CPU percent of one core between the previous one-shot sample and this one (as `docker stats` computes it from two
 * samples); without a previous sample, the engine's own figure.
 */
export function cpuBetween(
  now: ContainerStats,
  before: Pick<ContainerStats, 'cpuTotalNs' | 'systemCpuNs'> | undefined,
): number {
  if (!before) return now.cpuPercent;
  const cpu = now.cpuTotalNs - before.cpuTotalNs;
  const system = now.systemCpuNs - before.systemCpuNs;
  if (cpu < 0 || system <= 0) return now.cpuPercent;
  return Math.round((cpu / system) * now.onlineCpus * 10000) / 100;
}

/**
 * Per-container CPU, memory and restarts: `stats` with `one-shot=true` (no second sample waited for) for the running
 * ones and `inspect` for restarts, at most {@link STATS_CONCURRENCY} calls at once.
 */
export async function readContainerUsage(
  docker: DockerApi,
  samples: SampleMemory,
): Promise<ContainerUsage[]> {
  const list = (await docker.listContainers({ all: true }))
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, MAX_STATS_CONTAINERS);
  return mapBounded(list, STATS_CONCURRENCY, async c => {
    const details = await docker.inspect(c.id);
    if (c.state !== 'running')
      return {
        name: c.name,
        state: c.state,
        cpuPercent: null,
        memoryBytes: null,
        restartCount: details.restartCount,
      };
    const stats = await docker.stats(c.id, { oneShot: true });
    const cpuPercent = cpuBetween(stats, samples.get(c.id));
    samples.delete(c.id);
    samples.set(c.id, {
      cpuTotalNs: stats.cpuTotalNs,
      systemCpuNs: stats.systemCpuNs,
    });
    if (samples.size > MAX_SAMPLES)
      samples.delete(samples.keys().next().value!);
    return {
      name: c.name,
      state: c.state,
      cpuPercent,
      memoryBytes: stats.memoryUsageBytes,
      restartCount: details.restartCount,
    };
  });
}
