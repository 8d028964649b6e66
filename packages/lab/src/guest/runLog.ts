import type { GuestLoad } from '../core/GuestHost';
import type { SimContainer } from './model';

/** One run of a container: when it ran, how many cores it kept busy and the memory it held. */
interface Run {
  id: string;
  startMs: number;
  endMs?: number;
  cores: number;
  memBytes: number;
}

/** The most runs a log keeps (the oldest are dropped first). */
const MAX_RUNS = 2000;

/** A container's load from its labels: `lab.cpu.percent` (of one core, default 2) and `lab.memory.bytes` (24 MiB). */
export function containerLoad(c: SimContainer): GuestLoad {
  return {
    cores: Number(c.Config.Labels['lab.cpu.percent'] ?? '2') / 100,
    memBytes: Number(c.Config.Labels['lab.memory.bytes'] ?? 24 * 1024 * 1024),
  };
}

/**
 * The runs of an engine's containers, so that the Proxmox simulator's rrd data and status follow what the guest
 * does: a container that keeps a core busy for a minute raises the CT's CPU of that minute.
 */
export class RunLog {
  private readonly runs: Run[] = [];

  /** A container started at `atMs`. */
  begin(c: SimContainer, atMs: number): void {
    this.end(c.Id, atMs);
    this.runs.push({ id: c.Id, startMs: atMs, ...containerLoad(c) });
    if (this.runs.length > MAX_RUNS)
      this.runs.splice(0, this.runs.length - MAX_RUNS);
  }

  /** A container's run ended at `atMs` (stopped, died, or the guest shut down). */
  end(id: string, atMs: number): void {
    for (const run of this.runs)
      if (run.id === id && run.endMs === undefined) run.endMs = atMs;
  }

  /** Every open run ends at `atMs` (the guest stopped). */
  endAll(atMs: number): void {
    for (const run of this.runs) run.endMs ??= atMs;
  }

  /** The load averaged over `[fromMs, toMs)`. */
  average(fromMs: number, toMs: number): GuestLoad {
    const span = toMs - fromMs;
    if (span <= 0) return { cores: 0, memBytes: 0 };
    let cores = 0;
    let memBytes = 0;
    for (const run of this.runs) {
      const overlap =
        Math.min(toMs, run.endMs ?? Infinity) - Math.max(fromMs, run.startMs);
      if (overlap <= 0) continue;
      cores += (run.cores * overlap) / span;
      memBytes += (run.memBytes * overlap) / span;
    }
    return { cores, memBytes };
  }
}
