// CT power and removal: start, stop/shutdown, destroy.
import { checkLock, type SimContext, type SimRequest } from '../context';
import { PveError } from '../pveHttp';
import { bootGuest, haltGuest } from '../guestPower';

export function startCt(ctx: SimContext, req: SimRequest): string {
  const ct = ctx.ct(Number(req.params.vmid));
  if (ct.status === 'running')
    throw PveError.die(`CT ${ct.vmid} already running`);
  if (Number(ct.config.template ?? 0) === 1)
    throw PveError.die("you can't start a CT if it's a template");
  checkLock(ct);
  const upid = ctx.startTask({
    type: 'vzstart',
    id: String(ct.vmid),
    req,
    operation: 'proxmox.lxc.start',
    work: () => {
      // the new-address fault: DHCP hands out another lease, the old address stops answering
      if (req.fault?.kind === 'new-address') ct.lease = (ct.lease ?? 0) + 1;
      return bootGuest(ctx, ct);
    },
    onFail: () => {
      ct.status = 'stopped';
    },
  });
  return upid;
}

export function stopCt(
  ctx: SimContext,
  req: SimRequest,
  kind: 'stop' | 'shutdown',
): string {
  const ct = ctx.ct(Number(req.params.vmid));
  if (ct.status !== 'running') throw PveError.die(`CT ${ct.vmid} not running`);
  checkLock(ct);
  const operation = `proxmox.lxc.${kind}`;
  const timeoutMs =
    kind === 'shutdown' ? Number(req.params.timeout ?? 60) * 1000 : Infinity;
  const tooSlow = ctx.control.latencyOf(operation) > timeoutMs;
  const forceStop = Number(req.params.forceStop ?? 0) === 1;
  return ctx.startTask({
    type: kind === 'stop' ? 'vzstop' : 'vzshutdown',
    id: String(ct.vmid),
    req,
    operation,
    work: async () => {
      if (tooSlow && !forceStop) {
        throw new Error(
          `command 'lxc-stop -n ${ct.vmid} --timeout ${
            timeoutMs / 1000
          }' failed: exit code 1`,
        );
      }
      await haltGuest(ctx, ct);
    },
  });
}

export function destroyCt(ctx: SimContext, req: SimRequest): string {
  const ct = ctx.ct(Number(req.params.vmid));
  checkLock(ct);
  const force = Number(req.params.force ?? 0) === 1;
  if (ct.status === 'running' && !force) {
    throw PveError.die(
      `unable to destroy CT ${ct.vmid} - container is running`,
    );
  }
  if (Number(ct.config.protection ?? 0) === 1) {
    throw PveError.die(`can't remove CT ${ct.vmid} - protection mode enabled`);
  }
  ct.lock = 'destroyed';
  return ctx.startTask({
    type: 'vzdestroy',
    id: String(ct.vmid),
    req,
    operation: 'proxmox.lxc.destroy',
    work: async task => {
      if (ct.status === 'running') {
        task.log.push(`forced to stop CT ${ct.vmid} before destroying!`);
        await haltGuest(ctx, ct);
      }
      if (ctx.guests) await ctx.guests.destroy(ct.vmid);
      task.log.push(
        `Logical volume "vm-${ct.vmid}-disk-0" successfully removed.`,
      );
      ctx.state.containers.delete(ct.vmid);
    },
    onFail: () => {
      ct.lock = undefined;
    },
  });
}
