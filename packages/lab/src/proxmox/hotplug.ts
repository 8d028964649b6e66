// What a config change on a running CT applies at once, as pve-container decides it.
import { configDigest, type PveValue, type SimContainer } from './state';

/**
 * Keys written straight into the config of a running CT: `$LXC_FASTPLUG_OPTIONS` in pve-container
 * `src/PVE/LXC/Config.pm`.
 */
export const LXC_FASTPLUG_OPTIONS = [
  'description',
  'onboot',
  'startup',
  'protection',
  'hostname',
  'hookscript',
  'cores',
  'tags',
  'lock',
];

/**
 * Keys `vmconfig_hotplug_pending` (same file) applies to a running CT through its cgroup or a hotplug: CPU quota and
 * shares, memory and swap together, network interfaces, and new mount points and devices (`mpN`/`devN`, only when
 * the key is not set yet). Every other key stays pending (`die "skip\n"`) until the next start.
 */
export const LXC_HOTPLUG_OPTIONS = [
  /^cpulimit$/,
  /^cpuunits$/,
  /^memory$/,
  /^swap$/,
  /^net\d+$/,
];
const NEW_ONLY = [/^mp\d+$/, /^dev\d+$/];

/** True when changing `key` on a running CT (whose config is `config`) takes effect at once. */
export function appliesLive(
  key: string,
  config: Record<string, PveValue>,
): boolean {
  if (LXC_FASTPLUG_OPTIONS.includes(key)) return true;
  if (LXC_HOTPLUG_OPTIONS.some(re => re.test(key))) return true;
  return NEW_ONLY.some(re => re.test(key)) && config[key] === undefined;
}

/** The config digest PVE checks, which covers the pending section too. */
export function ctDigest(ct: SimContainer): string {
  return configDigest(
    ct.pending && Object.keys(ct.pending).length
      ? { ...ct.config, pending: JSON.stringify(ct.pending) }
      : ct.config,
  );
}

/** Writes `changes`: a stopped CT takes them all; a running one those that apply live, the rest become pending. */
export function writeChanges(
  ct: SimContainer,
  changes: Record<string, PveValue>,
): void {
  for (const [key, value] of Object.entries(changes)) {
    if (ct.status !== 'running' || appliesLive(key, ct.config)) {
      ct.config[key] = value;
      if (ct.pending) delete ct.pending[key];
    } else {
      ct.pending = { ...ct.pending, [key]: value };
    }
  }
}

/** The CT starts: its pending changes apply (`vmconfig_apply_pending`). */
export function applyPending(ct: SimContainer): void {
  if (!ct.pending) return;
  Object.assign(ct.config, ct.pending);
  ct.pending = undefined;
}
