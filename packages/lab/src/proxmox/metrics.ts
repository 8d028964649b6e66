import type { GuestLoad } from '../core/GuestHost';
import { ctAddress, parseSize, type SimContainer } from './state';

/** What the CT's guest (its Docker containers) used over `[fromMs, toMs)`; none when the lab drives no guests. */
export type LoadOf = (fromMs: number, toMs: number) => GuestLoad;

const NO_LOAD: LoadOf = () => ({ cores: 0, memBytes: 0 });

/** The window `status/current` averages the guest's load over (pvestatd samples every 10 s). */
const STATUS_WINDOW_MS = 10_000;

/** CPU as PVE reports it: the fraction of the CT's cores in use, the guest's baseline plus what its containers use. */
function cpuFraction(baseline: number, load: GuestLoad, cores: number) {
  return Number(Math.min(1, baseline + load.cores / cores).toFixed(6));
}

const MB = 1024 * 1024;

function rootfsBytes(ct: SimContainer): number {
  const m = /size=([^,]+)/.exec(String(ct.config.rootfs ?? ''));
  return (m && parseSize(m[1])) || 8 * 1024 ** 3;
}

// Deterministic wobble per CT so the numbers move but stay plausible.
function wave(vmid: number, t: number, period: number): number {
  return (Math.sin(t / period + vmid) + 1) / 2;
}

/**
 * `GET CT/status/current` data: counters grow with uptime, cpu/mem move over time and follow what the guest's
 * containers use (`loadOf`).
 */
export function statusCurrent(
  ct: SimContainer,
  now: number,
  loadOf: LoadOf = NO_LOAD,
) {
  const running = ct.status === 'running' && ct.startedAt !== undefined;
  const uptime = running
    ? Math.max(0, Math.floor((now - ct.startedAt!) / 1000))
    : 0;
  const maxmem = Number(ct.config.memory ?? 512) * MB;
  const maxdisk = rootfsBytes(ct);
  const t = now / 1000;
  const cores = Number(ct.config.cores ?? 1);
  const load = running ? loadOf(now - STATUS_WINDOW_MS, now) : NO_LOAD(0, 0);
  const data: Record<string, unknown> = {
    vmid: ct.vmid,
    name: String(ct.config.hostname ?? `CT${ct.vmid}`),
    status: ct.status,
    type: 'lxc',
    cpus: cores,
    cpu: running
      ? cpuFraction(0.02 + 0.1 * wave(ct.vmid, t, 30), load, cores)
      : 0,
    maxmem,
    mem: running
      ? Math.floor(
          Math.min(
            maxmem,
            maxmem * (0.18 + 0.12 * wave(ct.vmid, t, 45)) + load.memBytes,
          ),
        )
      : 0,
    maxswap: Number(ct.config.swap ?? 512) * MB,
    swap: 0,
    maxdisk,
    disk: Math.floor(
      Math.min(
        maxdisk,
        (ct.fromGoldenTemplate ? 1.4 : 0.6) * 1024 ** 3 + uptime * 2048,
      ),
    ),
    netin: running ? uptime * 1800 + Math.floor(wave(ct.vmid, t, 7) * 5000) : 0,
    netout: running ? uptime * 900 + Math.floor(wave(ct.vmid, t, 9) * 3000) : 0,
    diskread: running ? 48 * MB + uptime * 4096 : 0,
    diskwrite: running ? 12 * MB + uptime * 8192 : 0,
    uptime,
    ha: { managed: 0 },
  };
  if (running) {
    data.pressurecpusome = 0;
    data.pressureiosome = 0;
    data.pressureiofull = 0;
    data.pressurememorysome = 0;
    data.pressurememoryfull = 0;
  }
  if (ct.lock) data.lock = ct.lock;
  if (ct.config.tags) data.tags = String(ct.config.tags);
  if (ct.config.template) data.template = 1;
  return data;
}

const STEPS: Record<string, number> = {
  hour: 60,
  day: 1800,
  week: 10800,
  month: 43200,
  year: 604800,
};

/**
 * `GET CT/rrddata`: 70 points; rates per second; a point where the value is unknown (before the
 * CT existed, or while it was stopped) has only `time`: PVE leaves the keys out, no nulls.
 * CPU and memory add what the guest's containers used in each point's interval (`loadOf`).
 */
export function rrdData(
  ct: SimContainer,
  now: number,
  timeframe: string,
  cf: string,
  loadOf: LoadOf = NO_LOAD,
) {
  const step = STEPS[timeframe] ?? 60;
  const last = Math.floor(now / 1000 / step) * step;
  const maxmem = Number(ct.config.memory ?? 512) * MB;
  const points: Array<Record<string, number>> = [];
  const peak = cf === 'MAX' ? 1.4 : 1;
  for (let i = 69; i >= 0; i--) {
    const time = last - i * step;
    // a bucket [time, time+step) has data when the CT ran during it
    const bucketEnd = (time + step) * 1000;
    const known =
      ct.status === 'running' &&
      ct.startedAt !== undefined &&
      bucketEnd > ct.startedAt &&
      bucketEnd > ct.createdAt;
    if (!known) {
      points.push({ time });
      continue;
    }
    const cores = Number(ct.config.cores ?? 1);
    const load = loadOf(time * 1000, Math.min(bucketEnd, now));
    points.push({
      time,
      cpu: cpuFraction(
        (0.02 + 0.1 * wave(ct.vmid, time, 30)) * peak,
        load,
        cores,
      ),
      maxcpu: cores,
      mem: Math.floor(
        Math.min(
          maxmem,
          maxmem * (0.18 + 0.12 * wave(ct.vmid, time, 45)) * peak +
            load.memBytes,
        ),
      ),
      maxmem,
      disk: Math.floor(1.4 * 1024 ** 3),
      maxdisk: rootfsBytes(ct),
      netin: Number((1800 * peak * (0.5 + wave(ct.vmid, time, 11))).toFixed(2)),
      netout: Number((900 * peak * (0.5 + wave(ct.vmid, time, 13))).toFixed(2)),
      diskread: Number((4096 * peak * wave(ct.vmid, time, 17)).toFixed(2)),
      diskwrite: Number((8192 * peak * wave(ct.vmid, time, 19)).toFixed(2)),
    });
  }
  return points;
}

/** `GET CT/interfaces`: null when stopped; `lo` plus `eth0` (IPv4 only once DHCP answered). */
export function interfaces(
  ct: SimContainer,
  now: number,
  guestIpBlock: number,
) {
  if (ct.status !== 'running') return null;
  const mac =
    /hwaddr=([0-9A-Fa-f:]{17})/.exec(String(ct.config.net0 ?? ''))?.[1] ??
    '00:00:00:00:00:00';
  const lo = {
    name: 'lo',
    hwaddr: '00:00:00:00:00:00',
    'hardware-address': '00:00:00:00:00:00',
    inet: '127.0.0.1/8',
    inet6: '::1/128',
    'ip-addresses': [
      { 'ip-address': '127.0.0.1', 'ip-address-type': 'inet', prefix: 8 },
      { 'ip-address': '::1', 'ip-address-type': 'inet6', prefix: 128 },
    ],
  };
  const b = mac.toLowerCase().split(':');
  const linkLocal = `fe80::${(parseInt(b[0], 16) ^ 2).toString(16)}${b[1]}:${
    b[2]
  }ff:fe${b[3]}:${b[4]}${b[5]}`;
  const eth0: Record<string, unknown> = {
    name: 'eth0',
    hwaddr: mac.toLowerCase(),
    'hardware-address': mac.toLowerCase(),
    inet6: `${linkLocal}/64`,
    'ip-addresses': [
      { 'ip-address': linkLocal, 'ip-address-type': 'inet6', prefix: 64 },
    ],
  };
  if (ct.ipReadyAt !== undefined && now >= ct.ipReadyAt) {
    const ip = ctAddress(ct, guestIpBlock);
    eth0.inet = `${ip}/24`;
    (eth0['ip-addresses'] as unknown[]).unshift({
      'ip-address': ip,
      'ip-address-type': 'inet',
      prefix: 24,
    });
  }
  return [lo, eth0];
}
