import { InputError } from '@backstage/errors';
import { whenConfigApplies } from '@docker-env/plugin-docker-env-node';
import type { OperationStep, StepContext } from '../operations';
import { idFact, optionalIdFact } from './facts';
import { existingCt, pve, runTask, type StepEnv } from './guest';
import { stepTimeouts } from './timeouts';

/**
 * Resources of a resize: `resizeFrom` (what the environment had) and `resizeTo` (what it asks for), input facts of
 * the `resize` operation.
 *
 * @public
 */
export interface ResizeResources {
  cpuCores: number;
  memoryMb: number;
  diskGb: number;
}

function resourcesFact(ctx: StepContext, name: string): ResizeResources {
  const v = ctx.facts[name] as Partial<ResizeResources> | undefined;
  if (
    !v ||
    ![v.cpuCores, v.memoryMb, v.diskGb].every(
      n => typeof n === 'number' && Number.isInteger(n) && n > 0,
    )
  )
    throw new InputError(
      `${name}: the resize of ${ctx.target.name} has no ${name} recorded`,
    );
  return v as ResizeResources;
}

const SIZE_UNITS: Record<string, number> = {
  K: 1 / 1024 ** 2,
  M: 1 / 1024,
  G: 1,
  T: 1024,
};

/**
 * The root disk's size in GiB from its config (`local-lvm:vm-101-disk-0,size=16G`).
 *
 * @public
 */
export function rootfsGiB(rootfs: string | undefined): number {
  const m = /(?:^|,)size=(\d+(?:\.\d+)?)([KMGT]?)(?:,|$)/.exec(rootfs ?? '');
  if (!m)
    throw new InputError(`rootfs: has no size in the CT's config (${rootfs})`);
  return Number(m[1]) * (SIZE_UNITS[m[2] || 'G'] ?? 1);
}

/** Sets cores and memory on the CT when they differ (PVE applies both live on a running CT). */
async function setCpuMemory(
  ctx: StepContext,
  env: StepEnv,
  to: ResizeResources,
): Promise<void> {
  const config = await existingCt(ctx, env);
  if (config.cores === to.cpuCores && config.memory === to.memoryMb) return;
  await pve(ctx, env).updateConfig(idFact(ctx, 'vmid'), {
    cores: to.cpuCores,
    memoryMiB: to.memoryMb,
  });
}

/** Sets the NetBox VM's vcpus, memory and disk (MB) when the environment has one. */
async function setNetBox(
  ctx: StepContext,
  env: StepEnv,
  to: ResizeResources,
): Promise<void> {
  const vmId = optionalIdFact(ctx, 'netboxVmId');
  if (vmId === undefined) return;
  await env.deps.netbox.updateVirtualMachine(vmId, {
    vcpus: to.cpuCores,
    memoryMb: to.memoryMb,
    diskMb: to.diskGb * 1024,
  });
}

/**
 * Resize: the CT's cores and memory (`PUT config`), NetBox's vcpus, memory and disk, then the root disk grown
 * (`PUT resize`, never shrunk) last, since it alone cannot be undone. On a running CT everything applies at once
 * (cores are a fast-plug option, memory a cgroup hotplug, and the file system grows online); on a stopped (paused)
 * one the config is written and takes effect at its next start. Learns `appliesAt`: `live` or `resume`.
 *
 * @public
 */
export function resizeSteps(env: StepEnv): OperationStep[] {
  const timeouts = stepTimeouts(env.config);
  return [
    {
      name: 'pve-config',
      timeoutMs: timeouts.calls,
      run: async ctx => {
        await setCpuMemory(ctx, env, resourcesFact(ctx, 'resizeTo'));
        const running =
          (await pve(ctx, env).getStatus(idFact(ctx, 'vmid'))).status ===
          'running';
        const live = ['cores', 'memory'].every(
          key => whenConfigApplies(key, { running }) === 'live',
        );
        return { appliesAt: live ? 'live' : 'resume' };
      },
      undo: async ctx => {
        await setCpuMemory(ctx, env, resourcesFact(ctx, 'resizeFrom'));
      },
    },
    {
      name: 'netbox',
      timeoutMs: timeouts.calls,
      run: async ctx => {
        await setNetBox(ctx, env, resourcesFact(ctx, 'resizeTo'));
      },
      undo: async ctx => {
        await setNetBox(ctx, env, resourcesFact(ctx, 'resizeFrom'));
      },
    },
    {
      name: 'disk',
      timeoutMs: timeouts.task,
      run: async ctx => {
        const to = resourcesFact(ctx, 'resizeTo');
        const config = await existingCt(ctx, env);
        const current = rootfsGiB(config.rootfs);
        // a rerun finds the disk grown already
        if (current >= to.diskGb) return;
        await runTask(
          ctx,
          env,
          pve(ctx, env).resizeDisk(
            idFact(ctx, 'vmid'),
            Math.ceil(to.diskGb - current),
          ),
        );
      },
    },
  ];
}
