import type { ContainerStats } from './types';

/** Computes one `docker stats` sample from `GET /containers/{id}/stats?stream=false`. */
export function toContainerStats(s: any): ContainerStats {
  const cpuDelta =
    (s.cpu_stats?.cpu_usage?.total_usage ?? 0) -
    (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta =
    (s.cpu_stats?.system_cpu_usage ?? 0) -
    (s.precpu_stats?.system_cpu_usage ?? 0);
  const cpus =
    s.cpu_stats?.online_cpus ||
    s.cpu_stats?.cpu_usage?.percpu_usage?.length ||
    1;
  const cpuPercent =
    cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  const mem = s.memory_stats ?? {};
  // what `docker stats` shows: usage minus page cache (inactive_file on cgroup v2, total_inactive_file on v1)
  const cache =
    mem.stats?.inactive_file ??
    mem.stats?.total_inactive_file ??
    mem.stats?.cache ??
    0;
  const usage = Math.max(
    0,
    (mem.usage ?? 0) - (cache < (mem.usage ?? 0) ? cache : 0),
  );
  const limit = mem.limit ?? 0;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values<any>(s.networks ?? {})) {
    rx += n.rx_bytes ?? 0;
    tx += n.tx_bytes ?? 0;
  }
  return {
    cpuPercent: Math.round(cpuPercent * 100) / 100,
    memoryUsageBytes: usage,
    memoryLimitBytes: limit,
    memoryPercent: limit > 0 ? Math.round((usage / limit) * 10000) / 100 : 0,
    networkRxBytes: rx,
    networkTxBytes: tx,
    read: s.read,
    cpuTotalNs: s.cpu_stats?.cpu_usage?.total_usage ?? 0,
    systemCpuNs: s.cpu_stats?.system_cpu_usage ?? 0,
    onlineCpus: cpus,
  };
}
