import type { SimContext, SimRoute } from '../context';
import { statusCurrent } from '../metrics';
import { P } from '../params';
import type { SimTask } from '../state';
import { hasPriv } from '../access/guestChecks';
import { ownsTask } from '../access/apiCheck';

/** The pve-manager version the simulator reports (the contract's PVE 9.1). */
export const PVE_SIM_VERSION = {
  version: '9.1.3',
  release: '9.1',
  repoid: '4b1ba9f1e0c1a2d5',
};

const NODE_MAXMEM = 64 * 1024 ** 3;
const NODE_MAXCPU = 16;
const BOOT_TIME = Date.now();

function nodeEntry(ctx: SimContext) {
  const running = [...ctx.state.containers.values()].filter(
    c => c.status === 'running',
  );
  return {
    id: `node/${ctx.state.node}`,
    type: 'node',
    node: ctx.state.node,
    status: 'online',
    cpu: Number((0.03 + 0.01 * running.length).toFixed(4)),
    maxcpu: NODE_MAXCPU,
    mem: 3 * 1024 ** 3 + running.length * 400 * 1024 ** 2,
    maxmem: NODE_MAXMEM,
    disk: 12 * 1024 ** 3,
    maxdisk: 100 * 1024 ** 3,
    uptime: Math.floor((ctx.now() - BOOT_TIME) / 1000) + 86_400,
    level: '',
    ssl_fingerprint:
      '5A:1C:90:3E:7B:0D:44:C2:9F:18:6E:A3:27:B5:D0:81:4F:6A:E9:12:3C:77:B8:05:D1:9E:62:AF:40:0B:C3:58',
  };
}

function storageEntries(ctx: SimContext) {
  return [...ctx.state.storages.values()].map(s => ({
    id: `storage/${ctx.state.node}/${s.storage}`,
    type: 'storage',
    storage: s.storage,
    node: ctx.state.node,
    status: 'available',
    plugintype: s.type,
    content: s.content.join(','),
    shared: 0,
    disk: Math.floor(s.total / 8),
    maxdisk: s.total,
  }));
}

function vmEntries(ctx: SimContext) {
  const now = ctx.now();
  return [...ctx.state.containers.values()].map(ct => {
    const s = statusCurrent(ct, now);
    const entry: Record<string, unknown> = {
      id: `lxc/${ct.vmid}`,
      type: 'lxc',
      vmid: ct.vmid,
      name: s.name,
      node: ctx.state.node,
      status: s.status,
      template: Number(ct.config.template ?? 0),
      cpu: s.cpu,
      maxcpu: s.cpus,
      mem: s.mem,
      maxmem: s.maxmem,
      disk: s.disk,
      maxdisk: s.maxdisk,
      netin: s.netin,
      netout: s.netout,
      diskread: s.diskread,
      diskwrite: s.diskwrite,
      uptime: s.uptime,
    };
    if (ct.config.tags) entry.tags = String(ct.config.tags);
    if (ct.lock) entry.lock = ct.lock;
    if (ct.pool) entry.pool = ct.pool;
    return entry;
  });
}

/** The `statusfilter` class of a task: running, ok, warning or error. */
function taskStatusKind(t: SimTask): string {
  if (t.status === 'running') return 'running';
  if (t.exitstatus === 'OK') return 'ok';
  return /^WARNINGS/.test(t.exitstatus ?? '') ? 'warning' : 'error';
}

/** A task as `GET /nodes/{node}/tasks` lists it: `status` is the exit status once it ended. */
function taskEntry(task: SimTask) {
  const entry: Record<string, unknown> = {
    upid: task.upid,
    node: task.node,
    pid: task.pid,
    pstart: task.pstart,
    starttime: task.starttime,
    type: task.type,
    id: task.id,
    user: task.user,
  };
  if (task.status === 'stopped') {
    entry.endtime = task.endtime;
    entry.status = task.exitstatus;
  } else entry.status = 'running';
  return entry;
}

/** Node and cluster routes: version, node list, cluster resources, the node's task list. */
export const clusterRoutes: SimRoute[] = [
  {
    method: 'GET',
    template: '/version',
    operation: 'proxmox.version',
    params: {},
    handle: () => ({ ...PVE_SIM_VERSION, console: 'xtermjs' }),
  },
  {
    method: 'GET',
    template: '/nodes',
    operation: 'proxmox.nodes',
    params: {},
    handle: (ctx, req) => {
      const { disk: _d, maxdisk: _md, ...node } = nodeEntry(ctx);
      // node statistics need Sys.Audit on the node (PVE::API2Tools::extract_node_stats)
      if (!hasPriv(ctx, req, `/nodes/${ctx.state.node}`, ['Sys.Audit']))
        return [
          {
            node: node.node,
            status: node.status,
            id: node.id,
            type: node.type,
          },
        ];
      return [node];
    },
  },
  {
    method: 'GET',
    template: '/cluster/resources',
    operation: 'proxmox.cluster.resources',
    params: {
      type: {
        type: 'string',
        optional: true,
        enum: ['vm', 'storage', 'node', 'sdn'],
      },
    },
    handle: (ctx, req) => {
      const type = req.params.type;
      // PVE::API2::Cluster resources lists the guests with VM.Audit, the storages with
      // Datastore.Audit or Datastore.AllocateSpace, and node statistics only with Sys.Audit
      const node = nodeEntry(ctx);
      const nodeAudit = hasPriv(ctx, req, `/nodes/${ctx.state.node}`, [
        'Sys.Audit',
      ]);
      return [
        ...(type === undefined || type === 'vm'
          ? vmEntries(ctx).filter(e =>
              hasPriv(ctx, req, `/vms/${e.vmid}`, ['VM.Audit']),
            )
          : []),
        ...(type === undefined || type === 'node'
          ? [
              nodeAudit
                ? node
                : {
                    id: node.id,
                    type: node.type,
                    node: node.node,
                    status: node.status,
                  },
            ]
          : []),
        ...(type === undefined || type === 'storage'
          ? storageEntries(ctx).filter(e =>
              hasPriv(
                ctx,
                req,
                `/storage/${e.storage}`,
                ['Datastore.Audit', 'Datastore.AllocateSpace'],
                true,
              ),
            )
          : []),
      ];
    },
  },
  {
    method: 'GET',
    template: '/nodes/{node}/tasks',
    operation: 'proxmox.tasks.list',
    params: {
      node: P.node,
      errors: P.bool,
      limit: { type: 'integer', optional: true, min: 0 },
      start: { type: 'integer', optional: true, min: 0 },
      since: { type: 'integer', optional: true },
      until: { type: 'integer', optional: true },
      source: {
        type: 'string',
        optional: true,
        enum: ['archive', 'active', 'all'],
      },
      statusfilter: P.optString,
      typefilter: P.optString,
      userfilter: P.optString,
      vmid: { ...P.vmid, optional: true },
    },
    handle: (ctx, req) => {
      const p = req.params;
      const source = String(p.source ?? 'archive');
      const statuses = String(p.statusfilter ?? '')
        .split(/[,; ]+/)
        .filter(Boolean);
      // "List task associated with the current user, or all task the user has 'Sys.Audit'
      // permissions on /nodes/<node>"
      const audit = hasPriv(ctx, req, `/nodes/${ctx.state.node}`, [
        'Sys.Audit',
      ]);
      const list = [...ctx.state.tasks.values()]
        .filter(t => audit || ownsTask(req.auth.tokenUser, t.user))
        .filter(
          t =>
            source === 'all' ||
            (source === 'active') === (t.status === 'running'),
        )
        .filter(t => p.vmid === undefined || t.id === String(p.vmid))
        .filter(t => p.typefilter === undefined || t.type === p.typefilter)
        .filter(
          t =>
            p.userfilter === undefined || t.user.includes(String(p.userfilter)),
        )
        .filter(
          t => !p.errors || (t.status === 'stopped' && t.exitstatus !== 'OK'),
        )
        .filter(t => p.since === undefined || t.starttime >= Number(p.since))
        .filter(t => p.until === undefined || t.starttime <= Number(p.until))
        .filter(t => {
          if (!statuses.length) return true;
          return statuses.includes(taskStatusKind(t));
        })
        .sort((a, b) => b.starttime - a.starttime || b.pid - a.pid);
      const start = Number(p.start ?? 0);
      const limit = Number(p.limit ?? 50);
      return list.slice(start, start + limit).map(taskEntry);
    },
  },
];
