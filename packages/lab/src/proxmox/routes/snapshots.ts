import { checkLock, type SimRoute } from '../context';
import { P } from '../params';
import { PveError } from '../pveHttp';
import { configDigest } from '../state';
import { haltGuest } from './lifecycle';

const vmidPath = { node: P.node, vmid: P.vmid };

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
        const entry: Record<string, unknown> = { name: s.name, description: s.description, snaptime: s.snaptime };
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
      if (name === 'current') throw PveError.params({ snapname: "invalid configuration ID 'current'" });
      if (ct.snapshots.some(s => s.name === name)) throw PveError.die(`snapshot name '${name}' already used`);
      ct.lock = 'snapshot';
      return ctx.startTask({
        type: 'vzsnapshot',
        id: String(ct.vmid),
        req,
        operation: 'proxmox.lxc.snapshot.create',
        work: () => {
          ct.snapshots.push({
            name,
            description: String(req.params.description ?? ''),
            snaptime: Math.floor(ctx.now() / 1000),
            parent: ct.currentParent,
            config: { ...ct.config },
          });
          ct.currentParent = name;
          ct.lock = undefined;
        },
        onFail: () => {
          ct.lock = undefined;
        },
      });
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
      const snap = ct.snapshots.find(s => s.name === name);
      if (!snap) throw PveError.die(`snapshot '${name}' does not exist`);
      checkLock(ct);
      ct.lock = 'snapshot-delete';
      return ctx.startTask({
        type: 'vzdelsnapshot',
        id: String(ct.vmid),
        req,
        operation: 'proxmox.lxc.snapshot.delete',
        work: () => {
          for (const s of ct.snapshots) if (s.parent === name) s.parent = snap.parent;
          if (ct.currentParent === name) ct.currentParent = snap.parent;
          ct.snapshots = ct.snapshots.filter(s => s !== snap);
          ct.lock = undefined;
        },
        onFail: () => {
          ct.lock = undefined;
        },
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
      const snap = ct.snapshots.find(s => s.name === name);
      if (!snap) throw PveError.die(`snapshot '${name}' does not exist`);
      checkLock(ct);
      ct.lock = 'rollback';
      return ctx.startTask({
        type: 'vzrollback',
        id: String(ct.vmid),
        req,
        operation: 'proxmox.lxc.snapshot.rollback',
        work: async () => {
          if (ct.status === 'running') await haltGuest(ctx, ct);
          ct.config = { ...snap.config };
          ct.currentParent = name;
          ct.lock = undefined;
        },
        onFail: () => {
          ct.lock = undefined;
        },
      });
    },
  },
];
