/**
 * What a change to a CT takes effect when, as Proxmox VE decides it. Source: pve-container
 * `src/PVE/LXC/Config.pm` (`$LXC_FASTPLUG_OPTIONS` and `vmconfig_hotplug_pending`; on a stopped CT
 * `vmconfig_apply_pending` writes every change at once, so it is in effect from the next start), and for disks
 * `resize_vm` in `src/PVE/API2/LXC.pm` (a running CT's file system is grown online; a volume never shrinks).
 * The lab's Proxmox simulator follows the same table (`packages/lab/src/proxmox/hotplug.ts`).
 *
 * @public
 */
export const PVE_LIVE_APPLY = {
  /** Written straight into a running CT's config (`$LXC_FASTPLUG_OPTIONS`). */
  fastplug: [
    'description',
    'onboot',
    'startup',
    'protection',
    'hostname',
    'hookscript',
    'cores',
    'tags',
    'lock',
  ],
  /** Applied to a running CT through its cgroup or a hotplug (`vmconfig_hotplug_pending`). */
  hotplug: ['cpulimit', 'cpuunits', 'memory', 'swap', 'netN'],
  /** Hotplugged only when the key is not set yet; a change of an existing one waits for the next start. */
  hotplugWhenNew: ['mpN', 'devN'],
} as const;

/**
 * When a config change of `key` takes effect: `live` on a running CT (fastplug or hotplug), `next-start` when it
 * stays pending on a running CT, or when the CT is stopped (a paused environment: at its resume).
 *
 * @public
 */
export function whenConfigApplies(
  key: string,
  ct: { running: boolean; keySet?: boolean },
): 'live' | 'next-start' {
  if (!ct.running) return 'next-start';
  const generic = key.replace(/^(net|mp|dev)\d+$/, '$1N');
  if ((PVE_LIVE_APPLY.fastplug as readonly string[]).includes(key))
    return 'live';
  if ((PVE_LIVE_APPLY.hotplug as readonly string[]).includes(generic))
    return 'live';
  if (
    (PVE_LIVE_APPLY.hotplugWhenNew as readonly string[]).includes(generic) &&
    !ct.keySet
  )
    return 'live';
  return 'next-start';
}
