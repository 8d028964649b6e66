import {
  checkLock,
  type SimContext,
  type SimRequest,
  type SimRoute,
} from '../context';
import { P } from '../params';
import { PveError } from '../pveHttp';
import { configDigest, type SimContainer, type SimSnapshot } from '../state';
import { bootGuest, haltGuest } from '../guestPower';

const vmidPath = { node: P.node, vmid: P.vmid };

/** The named snapshot, or PVE's error for a missing one. */
function existingSnapshot(ct: SimContainer, name: string): SimSnapshot {
  const snap = ct.snapshots.find(s => s.name === name);
  if (!snap) throw PveError.die(`snapshot '${name}' does not exist`);
  return snap;
}

/** Starts a task on `ct` that holds `task.lock` from now until it ends, done or failed. */
function lockedTask(
  ctx: SimContext,
  req: SimRequest,
  ct: SimContainer,
  task: { lock: string; type: string; operation: string },
  work: () => Promise<void> | void,
): string {
  ct.lock = task.lock;
  return ctx.startTask({
    type: task.type,
    id: String(ct.vmid),
    req,
    operation: task.operation,
    work: async () => {
      await work();
      ct.lock = undefined;
    },
    onFail: () => {
      ct.lock = undefined;
    },
  });
}

/** Snapshot routes: list (with the 'current' pseudo entry), create, delete, rollback. */
export const snapshotRoutes: SimRoute[] = [
  {
    method: 'GET',
    template: '/nodes/{node}/lxc/{vmid}/snapshot',
    operation: 'proxmox.lxc.snapshot.list',
    params: vmidPath,
    handle: (ctx, req) => {
      const ct = ctx.ct(Number(req.params.vmid));
      const list: Array<Record<string, unknown>> = ct.snapshots.map(s => {
        const entry: Record<string, unknown> = {
          name: s.name,
          description: s.description,
          snaptime: s.snaptime,
        };
        if (s.parent) entry.parent = s.parent;
        return entry;
      });
      const current: Record<string, unknown> = {
        name: 'current',
        description: 'You are here!',
        digest: configDigest(ct.config),
        running: ct.status === 'running' ? 1 : 0,
      };
      if (ct.currentParent) current.parent = ct.currentParent;
      list.push(current);
      return list;
    },
  },
  {
    method: 'POST',
    template: '/nodes/{node}/lxc/{vmid}/snapshot',
    operation: 'proxmox.lxc.snapshot.create',
    task: true,
    params: { ...vmidPath, snapname: P.snapname, description: P.optString },
    handle: (ctx, req) => {
      const ct = ctx.ct(Number(req.params.vmid));
      const name = String(req.params.snapname);
      checkLock(ct);
      if (name === 'current')
        throw PveError.params({
          snapname: "invalid configuration ID 'current'",
        });
      if (ct.snapshots.some(s => s.name === name))
        throw PveError.die(`snapshot name '${name}' already used`);
      return lockedTask(
        ctx,
        req,
        ct,
        {
          lock: 'snapshot',
          type: 'vzsnapshot',
          operation: 'proxmox.lxc.snapshot.create',
        },
        () => {
          ct.snapshots.push({
            name,
            description: String(req.params.description ?? ''),
            snaptime: Math.floor(ctx.now() / 1000),
            parent: ct.currentParent,
            config: { ...ct.config },
          });
          ct.currentParent = name;
        },
      );
    },
  },
  {
    method: 'DELETE',
    template: '/nodes/{node}/lxc/{vmid}/snapshot/{snapname}',
    operation: 'proxmox.lxc.snapshot.delete',
    task: true,
    params: { ...vmidPath, snapname: P.snapname, force: P.bool },
    handle: (ctx, req) => {
      const ct = ctx.ct(Number(req.params.vmid));
      const name = String(req.params.snapname);
      const snap = existingSnapshot(ct, name);
      checkLock(ct);
      const task = {
        lock: 'snapshot-delete',
        type: 'vzdelsnapshot',
        operation: 'proxmox.lxc.snapshot.delete',
      };
      return lockedTask(ctx, req, ct, task, () => {
        for (const s of ct.snapshots)
          if (s.parent === name) s.parent = snap.parent;
        if (ct.currentParent === name) ct.currentParent = snap.parent;
        ct.snapshots = ct.snapshots.filter(s => s !== snap);
      });
    },
  },
  {
    method: 'POST',
    template: '/nodes/{node}/lxc/{vmid}/snapshot/{snapname}/rollback',
    operation: 'proxmox.lxc.snapshot.rollback',
    task: true,
    params: { ...vmidPath, snapname: P.snapname, start: P.bool },
    handle: (ctx, req) => {
      const ct = ctx.ct(Number(req.params.vmid));
      const name = String(req.params.snapname);
      const snap = existingSnapshot(ct, name);
      checkLock(ct);
      return lockedTask(
        ctx,
        req,
        ct,
        {
          lock: 'rollback',
          type: 'vzrollback',
          operation: 'proxmox.lxc.snapshot.rollback',
        },
        async () => {
          if (ct.status === 'running') await haltGuest(ctx, ct);
          ct.config = { ...snap.config };
          ct.currentParent = name;
          // PVE starts the CT after the rollback when asked (`start=1`), still holding the lock
          if (req.params.start) await bootGuest(ctx, ct);
        },
      );
    },
  },
];
