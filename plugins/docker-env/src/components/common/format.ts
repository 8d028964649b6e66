/** A date-time in the reader's locale; "-" when absent. */
export function formatTime(value?: string | null): string {
  if (!value) return '-';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

/** The time between two instants in words ("1.2 s", "3 min 5 s"). */
export function formatDuration(
  from?: string | null,
  to?: string | null,
): string {
  if (!from || !to) return '-';
  const ms = new Date(to).getTime() - new Date(from).getTime();
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** "2 CPU · 4 GiB · 32 GiB disk" (with the preset name first when there is one). */
export function formatSize(env: {
  size?: string;
  cpuCores?: number;
  memoryMb?: number;
  diskGb?: number;
}): string {
  const parts: string[] = [];
  if (env.cpuCores !== undefined) parts.push(`${env.cpuCores} CPU`);
  if (env.memoryMb !== undefined)
    parts.push(`${Math.round((env.memoryMb / 1024) * 10) / 10} GiB memory`);
  if (env.diskGb !== undefined) parts.push(`${env.diskGb} GiB disk`);
  const figures = parts.join(' · ');
  if (env.size && figures) return `${env.size} (${figures})`;
  return env.size || figures || '-';
}
