import type { SimContext, SimRequest, SimRoute } from '../context';
import { interfaces, type LoadOf, rrdData, statusCurrent } from '../metrics';
import { P } from '../params';
import { PveError } from '../pveHttp';
import { hasPriv, requirePriv } from '../access/guestChecks';
import { ownsTask } from '../access/apiCheck';

/**
 * The task status and log descriptions: "The user needs 'Sys.Audit' permissions on
 * '/nodes/<node>' if they are not the owner of the task."
 */
function assertTaskReader(ctx: SimContext, req: SimRequest, owner: string) {
  if (!ownsTask(req.auth.tokenUser, owner))
    requirePriv(ctx, req, `/nodes/${ctx.state.node}`, ['Sys.Audit']);
}

const vmidPath = { node: P.node, vmid: P.vmid };

/** What the CT's guest used over a span (none when the lab drives no guests). */
function loadOf(ctx: SimContext, vmid: number): LoadOf {
  return (from, to) =>
    ctx.guests?.load?.(vmid, from, to) ?? { cores: 0, memBytes: 0 };
}

/** Read-only routes: nextid, CT list, status, interfaces, rrd data, task status and log. */
export const infoRoutes: SimRoute[] = [
  {
    method: 'GET',
    template: '/cluster/nextid',
    operation: 'proxmox.cluster.nextid',
    params: { vmid: { ...P.vmid, optional: true } },
    handle: (ctx, req) => {
      const used = ctx.state.containers;
      if (req.params.vmid !== undefined) {
        const vmid = Number(req.params.vmid);
        if (used.has(vmid))
          throw PveError.params({ vmid: `VM ${vmid} already exists` });
        return String(vmid);
      }
      let id = 100;
      while (used.has(id)) id++;
      // Perl scalar: the real API answers the id as a JSON string
      return String(id);
    },
  },
  {
    method: 'GET',
    template: '/nodes/{node}/lxc',
    operation: 'proxmox.lxc.list',
    params: { node: P.node },
    handle: (ctx, req) => {
      const now = ctx.now();
      // "Only list CTs where you have VM.Audit permission on /vms/<vmid>."
      const visible = [...ctx.state.containers.values()].filter(ct =>
        hasPriv(ctx, req, `/vms/${ct.vmid}`, ['VM.Audit']),
      );
      return visible.map(ct => {
        const { ha: _ha, ...status } = statusCurrent(
          ct,
          now,
          loadOf(ctx, ct.vmid),
        );
        return status;
      });
    },
  },
  {
    method: 'GET',
    template: '/nodes/{node}/lxc/{vmid}/status/current',
    operation: 'proxmox.lxc.status',
    params: vmidPath,
    handle: (ctx, req) => {
      const vmid = Number(req.params.vmid);
      return statusCurrent(ctx.ct(vmid), ctx.now(), loadOf(ctx, vmid));
    },
  },
  {
    method: 'GET',
    template: '/nodes/{node}/lxc/{vmid}/interfaces',
    operation: 'proxmox.lxc.interfaces',
    params: vmidPath,
    handle: (ctx, req) =>
      interfaces(
        ctx.ct(Number(req.params.vmid)),
        ctx.now(),
        ctx.state.guestIpBlock,
      ),
  },
  {
    method: 'GET',
    template: '/nodes/{node}/lxc/{vmid}/rrddata',
    operation: 'proxmox.lxc.rrddata',
    params: {
      ...vmidPath,
      timeframe: {
        type: 'string',
        enum: ['hour', 'day', 'week', 'month', 'year'],
      },
      cf: { type: 'string', optional: true, enum: ['AVERAGE', 'MAX'] },
    },
    handle: (ctx, req) => {
      const vmid = Number(req.params.vmid);
      return rrdData(
        ctx.ct(vmid),
        ctx.now(),
        String(req.params.timeframe),
        String(req.params.cf ?? 'AVERAGE'),
        loadOf(ctx, vmid),
      );
    },
  },
  {
    method: 'GET',
    template: '/nodes/{node}/tasks/{upid}/status',
    operation: 'proxmox.tasks.status',
    params: { node: P.node, upid: { type: 'string' } },
    handle: (ctx, req) => {
      const task = ctx.state.tasks.get(String(req.params.upid));
      if (task) assertTaskReader(ctx, req, task.user);
      if (!task) {
        if (
          !/^UPID:[^:]+:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:[^:]+:[^:]*:[^:]+:$/.test(
            String(req.params.upid),
          )
        ) {
          throw PveError.die('unable to parse worker upid');
        }
        throw PveError.die('no such task');
      }
      const { log: _log, endtime: _e, ...status } = task;
      if (task.status === 'running') delete status.exitstatus;
      return status;
    },
  },
  {
    method: 'GET',
    template: '/nodes/{node}/tasks/{upid}/log',
    operation: 'proxmox.tasks.log',
    params: {
      node: P.node,
      upid: { type: 'string' },
      start: { type: 'integer', optional: true, min: 0 },
      limit: { type: 'integer', optional: true, min: 0 },
      download: P.bool,
    },
    handle: (ctx, req) => {
      const task = ctx.state.tasks.get(String(req.params.upid));
      if (!task) throw PveError.die('no such task');
      assertTaskReader(ctx, req, task.user);
      const lines =
        task.status === 'stopped'
          ? [
              ...task.log,
              `TASK ${
                task.exitstatus === 'OK' ? 'OK' : `ERROR: ${task.exitstatus}`
              }`,
            ]
          : task.log;
      const start = Number(req.params.start ?? 0);
      const limit = Number(req.params.limit ?? 50);
      return lines
        .slice(start, start + limit)
        .map((t, i) => ({ n: start + i + 1, t }));
    },
  },
];
