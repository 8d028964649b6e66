import type { Lab, LabControl } from '@docker-env/lab';

/** The four latency controls of a lab (the guests' Docker engines and agents share one). */
export function labControls(lab: Lab): LabControl[] {
  return [
    lab.proxmox.control,
    lab.netbox.control,
    lab.portainer.control,
    lab.guests.control,
  ];
}

/** One line of a floor: a lab operation, how often it was called, and its latency-table entry times that. */
export interface FloorEntry {
  op: string;
  n: number;
  ms: number;
}

/**
 * The floor of what ran since the lab's counters were last reset (every control's `reset()`): each call's
 * latency-table entry, for calls made in sequence and counted at latency scale 0 (where every wait ends at its
 * first poll), plus `waits` that are no call (the DHCP lease after a start). Largest first.
 */
export function latencyFloor(
  lab: Lab,
  waits: string[] = [],
): { entries: FloorEntry[]; floor: number; latency: Map<string, number> } {
  const calls = new Map<string, number>();
  const latency = new Map<string, number>();
  for (const c of labControls(lab)) {
    const d = c.describe();
    for (const [op, n] of Object.entries(d.calls))
      calls.set(op, (calls.get(op) ?? 0) + n);
    for (const [op, ms] of Object.entries(d.latencies)) latency.set(op, ms);
  }
  const entries = [...calls.entries()]
    .map(([op, n]) => ({ op, n, ms: (latency.get(op) ?? 0) * n }))
    .filter(e => e.ms > 0)
    .sort((a, b) => b.ms - a.ms);
  for (const op of waits) entries.push({ op, n: 1, ms: latency.get(op) ?? 0 });
  const floor = entries.reduce((sum, e) => sum + e.ms, 0);
  return { entries, floor, latency };
}

/** The floor entry by entry, as the benchmarks print it. */
export function floorLines(title: string, entries: FloorEntry[]): string[] {
  return [
    title,
    ...entries.map(
      e =>
        `  ${e.op.padEnd(36)} ${String(e.n).padStart(3)} x = ${e.ms
          .toFixed(0)
          .padStart(6)} ms`,
    ),
    `  floor ${entries.reduce((s, e) => s + e.ms, 0).toFixed(0)} ms`,
  ];
}
