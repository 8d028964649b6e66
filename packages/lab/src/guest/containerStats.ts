import { rfc3339Nano, type SimContainer, ZERO_TIME } from './model';

/** The host's monotonic clock in ns. */
export const hrNow = () => Number(process.hrtime.bigint());

/** CPU time (ns) a running container used since it started, from its `lab.cpu.percent` label. */
export function cpuNsSince(c: SimContainer): number {
  if (!c.lab.startedAtMs || c.lab.startedAtNs === undefined) return 0;
  const share = Number(c.Config.Labels['lab.cpu.percent'] ?? '2') / 100;
  return Math.round((hrNow() - c.lab.startedAtNs) * share);
}

/** One stats sample in the API's shape (`GET /containers/{id}/stats?stream=false`). */
export function statsSample(c: SimContainer, ncpu: number, memTotal: number) {
  const running = c.State.Running;
  const now = new Date();
  const systemNs = Math.round(hrNow() * ncpu);
  const cpuNs = running ? c.lab.cpuNs + cpuNsSince(c) : 0;
  const pre = c.lab.lastSample;
  const memUsage = running
    ? Number(c.Config.Labels['lab.memory.bytes'] ?? 24 * 1024 * 1024)
    : 0;
  const limit = c.HostConfig.Memory || memTotal;
  const sample = {
    name: c.Name,
    id: c.Id,
    read: running ? rfc3339Nano(now) : ZERO_TIME,
    preread: pre && running ? pre.read : ZERO_TIME,
    pids_stats: running ? { current: 1, limit: 4096 } : {},
    blkio_stats: {
      io_service_bytes_recursive: null,
      io_serviced_recursive: null,
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: {
      cpu_usage: {
        total_usage: cpuNs,
        usage_in_kernelmode: Math.round(cpuNs * 0.3),
        usage_in_usermode: Math.round(cpuNs * 0.7),
      },
      system_cpu_usage: running ? systemNs : 0,
      online_cpus: running ? ncpu : 0,
      throttling_data: {
        periods: 0,
        throttled_periods: 0,
        throttled_time: 0,
      },
    },
    precpu_stats: {
      cpu_usage: {
        total_usage: pre && running ? pre.cpuNs : 0,
        usage_in_kernelmode: 0,
        usage_in_usermode: 0,
      },
      system_cpu_usage: pre && running ? pre.systemNs : 0,
      online_cpus: pre && running ? ncpu : 0,
      throttling_data: {
        periods: 0,
        throttled_periods: 0,
        throttled_time: 0,
      },
    },
    memory_stats: running
      ? {
          usage: memUsage,
          limit,
          stats: {
            inactive_file: 1024 * 1024,
            active_anon: memUsage - 1024 * 1024,
            file: 2 * 1024 * 1024,
          },
        }
      : {},
    networks: running
      ? {
          eth0: {
            rx_bytes: c.lab.netRx,
            rx_packets: Math.ceil(c.lab.netRx / 200),
            rx_errors: 0,
            rx_dropped: 0,
            tx_bytes: c.lab.netTx,
            tx_packets: Math.ceil(c.lab.netTx / 200),
            tx_errors: 0,
            tx_dropped: 0,
          },
        }
      : undefined,
  };
  if (running) c.lab.lastSample = { cpuNs, systemNs, read: sample.read };
  return sample;
}
