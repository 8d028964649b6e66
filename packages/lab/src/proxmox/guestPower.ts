import type { SimContext } from './context';
import { applyPending } from './hotplug';
import { ctAddress, type SimContainer } from './state';

/** Boots the CT's guest and marks it running (start task work). */
export async function bootGuest(
  ctx: SimContext,
  ct: SimContainer,
): Promise<void> {
  if (ctx.guests) {
    try {
      await ctx.guests.start({
        vmid: ct.vmid,
        hostname: String(ct.config.hostname ?? `CT${ct.vmid}`),
        ip: ctAddress(ct, ctx.state.guestIpBlock),
        dockerPreinstalled: ct.fromGoldenTemplate,
      });
    } catch {
      throw new Error(`startup for container '${ct.vmid}' failed`);
    }
  }
  applyPending(ct);
  const now = ctx.now();
  ct.status = 'running';
  ct.startedAt = now;
  ct.ipReadyAt = now + ctx.control.latencyOf('proxmox.lxc.dhcp');
}

/** Stops the CT's guest and marks it stopped. */
export async function haltGuest(
  ctx: SimContext,
  ct: SimContainer,
): Promise<void> {
  if (ctx.guests) await ctx.guests.stop(ct.vmid);
  ct.status = 'stopped';
  ct.startedAt = undefined;
  ct.ipReadyAt = undefined;
}
