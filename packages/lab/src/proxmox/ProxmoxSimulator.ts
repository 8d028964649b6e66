import express from 'express';
import http from 'node:http';
import { LabControl } from '../core/LabControl';
import { ClosableServer } from '../core/ClosableServer';
import {
  DEFAULT_GUEST_IP_BLOCK,
  type GuestDisk,
  type GuestHost,
} from '../core/GuestHost';
import { bootGuest } from './guestPower';
import type { SimAuth, SimContext, SimRoute, TaskOptions } from './context';
import { verifyParams } from './params';
import { PveError, sendData, sendError } from './pveHttp';
import { backupRoutes } from './routes/backups';
import { clusterRoutes } from './routes/cluster';
import { firewallRoutes } from './routes/firewall';
import { infoRoutes } from './routes/info';
import { lifecycleRoutes } from './routes/lifecycle';
import { snapshotRoutes } from './routes/snapshots';
import {
  defaultOsTemplates,
  defaultStorages,
  goldenTemplate,
  type ProxmoxSimState,
  type SimContainer,
  type SimStorage,
  type SimTask,
  type SimVolume,
} from './state';

/** An API token the simulator accepts. */
export interface ProxmoxSimToken {
  /** `USER@REALM!TOKENID`, e.g. `docker-env@pve!portal`. */
  id: string;
  /** The token secret (a UUID on real PVE). */
  secret: string;
}

/** Options of {@link ProxmoxSimulator.start}. */
export interface ProxmoxSimulatorOptions {
  /** Multiplier for every latency; 0 makes the lab instant. Default 1. */
  latencyScale?: number;
  /** Boots/stops/destroys each CT's guest; without it the simulator only tracks state. */
  guests?: GuestHost;
  /** Node name. Default `pve`. */
  node?: string;
  /** Accepted API tokens. Default: {@link DEFAULT_PROXMOX_SIM_TOKEN}. */
  tokens?: ProxmoxSimToken[];
  /** vmid of the golden template CT seeded at start. Default 9000. */
  goldenTemplateVmid?: number;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Second octet of the guests' loopback addresses; default {@link DEFAULT_GUEST_IP_BLOCK} (127.10.x.y). */
  guestIpBlock?: number;
}

/** The token the simulator accepts when none are configured. */
export const DEFAULT_PROXMOX_SIM_TOKEN: ProxmoxSimToken = {
  id: 'docker-env@pve!portal',
  secret: '5f3c2a10-8d4e-4b6f-9a7c-1e2d3f4a5b6c',
};

/**
 * Default latencies (ms) of the simulated operations, modelled on a PVE 9 node with LVM-thin.
 * Task operations answer their UPID at once; the latency is how long the task runs.
 */
export const PROXMOX_SIM_LATENCIES: Record<string, number> = {
  'proxmox.auth.fail': 3000,
  'proxmox.cluster.nextid': 20,
  'proxmox.lxc.list': 40,
  'proxmox.lxc.create': 12000,
  'proxmox.lxc.clone': 3000,
  'proxmox.lxc.start': 2000,
  'proxmox.lxc.dhcp': 1500,
  'proxmox.lxc.shutdown': 3000,
  'proxmox.lxc.stop': 1000,
  'proxmox.lxc.destroy': 2000,
  'proxmox.lxc.resize': 1500,
  'proxmox.lxc.status': 15,
  'proxmox.lxc.interfaces': 30,
  'proxmox.lxc.rrddata': 30,
  'proxmox.lxc.config.get': 15,
  'proxmox.lxc.config.update': 60,
  'proxmox.lxc.snapshot.list': 20,
  'proxmox.lxc.snapshot.create': 1000,
  'proxmox.lxc.snapshot.delete': 1000,
  'proxmox.lxc.snapshot.rollback': 2000,
  'proxmox.lxc.firewall.options.get': 15,
  'proxmox.lxc.firewall.options.set': 40,
  'proxmox.lxc.firewall.rules.list': 15,
  'proxmox.lxc.firewall.rules.create': 40,
  'proxmox.lxc.firewall.rules.delete': 40,
  'proxmox.tasks.status': 10,
  'proxmox.tasks.log': 10,
  'proxmox.tasks.list': 20,
  'proxmox.version': 5,
  'proxmox.nodes': 10,
  'proxmox.cluster.resources': 30,
  'proxmox.vzdump': 8000,
  'proxmox.lxc.restore': 10000,
  'proxmox.storage.content': 40,
  'proxmox.storage.volume.get': 20,
  'proxmox.storage.volume.delete': 300,
};

/** {@link ProxmoxSimulator.exportState}'s JSON. */
export interface ProxmoxSavedState {
  containers: Array<SimContainer & { disk?: GuestDisk }>;
  storages: SimStorage[];
  volumes: SimVolume[];
  guestIpBlock: number;
  /** The node's task list (older files lack it). */
  tasks?: SimTask[];
}

/** One request as the simulator received it (for tests and contract checks). */
export interface ProxmoxSimRequestRecord {
  method: string;
  /** Path below `/api2/json`, still percent-encoded. */
  path: string;
  /** Query string parameters. */
  query: Record<string, string>;
  /** Body parameters (form-urlencoded or JSON). */
  body: Record<string, string>;
  contentType?: string;
  authorized: boolean;
}

/** Every route the simulator answers (the contract test checks them against the PVE schema). */
export const PROXMOX_SIM_ROUTES: SimRoute[] = [
  ...clusterRoutes,
  ...backupRoutes,
  ...infoRoutes,
  ...lifecycleRoutes,
  ...snapshotRoutes,
  ...firewallRoutes,
];

function compile(route: SimRoute) {
  const names: string[] = [];
  const source = route.template.replace(/\{(\w+)\}/g, (_m, n) => {
    names.push(n);
    return '([^/]+)';
  });
  return { route, names, regex: new RegExp(`^${source}$`) };
}
const COMPILED = PROXMOX_SIM_ROUTES.map(compile);

function hex8(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}

function flatten(obj: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (obj && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj)) {
      const last = Array.isArray(v) ? v[v.length - 1] : v;
      out[k] = typeof last === 'boolean' ? String(Number(last)) : String(last);
    }
  }
  return out;
}

/**
 * A loopback Proxmox VE 9 node for tests and the portal's embedded default: token auth, the LXC
 * API the platform uses (clone from a golden template, create, power, config, resize,
 * snapshots, firewall, status, interfaces, rrd data) with asynchronous tasks (UPIDs), locks,
 * PVE's reason phrases and error bodies. Plain HTTP on 127.0.0.1 (real PVE is HTTPS on 8006).
 */
export class ProxmoxSimulator {
  /** Every request received, in order. */
  readonly requests: ProxmoxSimRequestRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private pid = 0x1000;
  private readonly pstart = 0x2a3b4c;

  private constructor(
    private readonly server: ClosableServer,
    /** Base URL, `http://127.0.0.1:PORT/api2/json`. */
    readonly url: string,
    readonly control: LabControl,
    readonly state: ProxmoxSimState,
    private readonly tokens: ProxmoxSimToken[],
    private readonly guests?: GuestHost,
  ) {}

  /** Starts the simulator on 127.0.0.1. */
  static async start(
    options: ProxmoxSimulatorOptions = {},
  ): Promise<ProxmoxSimulator> {
    const node = options.node ?? 'pve';
    const control = new LabControl(
      PROXMOX_SIM_LATENCIES,
      options.latencyScale ?? 1,
    );
    const now = Date.now();
    const golden = goldenTemplate(options.goldenTemplateVmid ?? 9000, now);
    const state: ProxmoxSimState = {
      node,
      containers: new Map([[golden.vmid, golden]]),
      tasks: new Map(),
      storages: defaultStorages(),
      volumes: new Map(
        defaultOsTemplates(Math.floor(now / 1000)).map(v => [v.volid, v]),
      ),
      guestIpBlock: options.guestIpBlock ?? DEFAULT_GUEST_IP_BLOCK,
    };
    const app = express();
    const server = await ClosableServer.listen(
      app,
      '127.0.0.1',
      options.port ?? 0,
    );
    const { port } = server;
    const sim = new ProxmoxSimulator(
      server,
      `http://127.0.0.1:${port}/api2/json`,
      control,
      state,
      options.tokens ?? [DEFAULT_PROXMOX_SIM_TOKEN],
      options.guests,
    );
    app.get('/_lab/state', (_req, res) => {
      res.json(sim.snapshotState());
    });
    app.use('/_lab', control.router());
    app.use(
      '/api2/json',
      express.urlencoded({ extended: false }),
      express.json(),
      (req, res) => {
        sim
          .handle(req, res)
          .catch(err => sendError(res, 500, String(err?.message ?? err)));
      },
    );
    return sim;
  }

  /** A JSON-friendly copy of the state. */
  snapshotState() {
    return {
      node: this.state.node,
      containers: [...this.state.containers.values()],
      tasks: [...this.state.tasks.values()],
      storages: [...this.state.storages.values()],
      volumes: [...this.state.volumes.values()].map(
        ({ backup: _b, ...v }) => v,
      ),
    };
  }

  /**
   * What survives a restart of the lab: CTs (config, status, snapshots, firewall), storages and
   * volumes (templates, backups), and each guest's disk. Tasks are not kept (they end with the process).
   */
  exportState(): ProxmoxSavedState {
    return JSON.parse(
      JSON.stringify({
        containers: [...this.state.containers.values()].map(ct => ({
          ...ct,
          busyWith: undefined,
          disk: this.guests?.exportDisk?.(ct.vmid),
        })),
        storages: [...this.state.storages.values()],
        volumes: [...this.state.volumes.values()],
        guestIpBlock: this.state.guestIpBlock,
        tasks: [...this.state.tasks.values()],
      }),
    );
  }

  /**
   * Puts a saved state back (the lab coming back up): guests get their disks, and CTs that were
   * running boot again with the containers that were running in them.
   */
  async restoreState(saved: ProxmoxSavedState): Promise<void> {
    this.state.containers.clear();
    // the guests keep their addresses (clients and Portainer hold them)
    this.state.guestIpBlock = saved.guestIpBlock;
    this.state.storages = new Map(saved.storages.map(s => [s.storage, s]));
    this.state.volumes = new Map(saved.volumes.map(v => [v.volid, v]));
    this.state.tasks.clear();
    for (const t of saved.tasks ?? []) {
      // a worker that died with the old process: PVE lists it as stopped, "unexpected status"
      const task: SimTask =
        t.status === 'running'
          ? { ...t, status: 'stopped', exitstatus: 'unexpected status' }
          : t;
      this.state.tasks.set(task.upid, task);
      this.pid = Math.max(this.pid, task.pid);
    }
    const ctx = this.context();
    for (const { disk, ...ct } of saved.containers) {
      // a lock of a task that died with the old process is gone with it
      const restored: SimContainer = { ...ct, lock: undefined };
      this.state.containers.set(ct.vmid, restored);
      if (disk && this.guests?.importDisk)
        this.guests.importDisk(ct.vmid, disk, { resumeRunning: true });
      if (restored.status === 'running') {
        restored.status = 'stopped';
        await bootGuest(ctx, restored).catch(() => undefined);
      }
    }
  }

  /** The CT with this vmid, if any. */
  container(vmid: number): SimContainer | undefined {
    return this.state.containers.get(vmid);
  }

  /** Stops listening, cancels running tasks and drops open (e.g. hanging) connections. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.server.close();
  }

  private authenticate(header: string | undefined): SimAuth | string {
    if (!header) return 'No ticket';
    const m =
      /^PVEAPIToken=([^\s!@]+@[^\s!]+)!([A-Za-z][A-Za-z0-9._-]*)[=:](\S+)$/.exec(
        header.trim(),
      );
    if (!m) return 'authentication failure';
    const [, user, tokenName, secret] = m;
    const token = this.tokens.find(t => t.id === `${user}!${tokenName}`);
    if (!token) return `no such token '${tokenName}' for user '${user}'`;
    if (token.secret !== secret) return 'invalid token value!';
    return {
      tokenUser: `${user}!${tokenName}`,
      user,
      isRoot: user === 'root@pam',
    };
  }

  private async handle(
    req: express.Request,
    res: express.Response,
  ): Promise<void> {
    const path = req.path;
    const query = flatten(req.query);
    const body = flatten(req.body);
    const auth = this.authenticate(req.headers.authorization);
    this.requests.push({
      method: req.method,
      path,
      query,
      body,
      contentType: req.headers['content-type'],
      authorized: typeof auth !== 'string',
    });
    if (typeof auth === 'string') {
      // PVE delays every failed authentication (3 s) before answering 401
      if (req.headers.authorization)
        await this.control.delay('proxmox.auth.fail');
      sendError(res, 401, auth);
      return;
    }
    let match:
      | { route: SimRoute; pathParams: Record<string, string> }
      | undefined;
    for (const c of COMPILED) {
      const m = c.regex.exec(path);
      if (!m || c.route.method !== req.method) continue;
      const pathParams: Record<string, string> = {};
      c.names.forEach((n, i) => {
        pathParams[n] = decodeURIComponent(m[i + 1]);
      });
      match = { route: c.route, pathParams };
      break;
    }
    if (!match) {
      sendError(res, 501, `Method '${req.method} ${path}' not implemented`);
      return;
    }
    const { route, pathParams } = match;
    const fault = this.control.enter(route.operation);
    if (fault?.kind === 'hang') return;
    if (!route.task) await this.control.delay(route.operation);
    if (fault?.kind === 'fail') {
      const reason = fault.reason ?? http.STATUS_CODES[fault.status] ?? 'error';
      if (fault.body !== undefined) {
        res.statusCode = fault.status;
        res.statusMessage = reason;
        res.setHeader('Content-Type', 'application/json;charset=UTF-8');
        res.end(JSON.stringify(fault.body));
      } else sendError(res, fault.status, reason);
      return;
    }
    try {
      // PVE merges query and body parameters; path parameters win
      const params = verifyParams(
        { ...query, ...body, ...pathParams },
        route.params,
        route.indexed,
      );
      if ('node' in params && params.node !== this.state.node) {
        throw PveError.die(
          `hostname lookup '${params.node}' failed - failed to get address info for: ${params.node}: Name or service not known`,
        );
      }
      const data = await route.handle(this.context(), { auth, params, fault });
      sendData(res, data);
    } catch (err) {
      if (err instanceof PveError)
        sendError(res, err.status, err.message, err.errors);
      else throw err;
    }
  }

  private context(): SimContext {
    return {
      state: this.state,
      control: this.control,
      guests: this.guests,
      now: () => Date.now(),
      startTask: options => this.startTask(options),
      ct: vmid => {
        const ct = this.state.containers.get(vmid);
        if (!ct)
          throw PveError.die(
            `Configuration file 'nodes/${this.state.node}/lxc/${vmid}.conf' does not exist`,
          );
        return ct;
      },
    };
  }

  private startTask(options: TaskOptions): string {
    this.pid += 1 + Math.floor(Math.random() * 50);
    const starttime = Math.floor(Date.now() / 1000);
    const node = this.state.node;
    const upid = `UPID:${node}:${hex8(this.pid)}:${hex8(
      this.pstart + this.pid,
    )}:${hex8(starttime)}:${options.type}:${options.id}:${
      options.req.auth.tokenUser
    }:`;
    const task: SimTask = {
      upid,
      node,
      pid: this.pid,
      pstart: this.pstart + this.pid,
      starttime,
      type: options.type,
      id: options.id,
      user: options.req.auth.tokenUser,
      status: 'running',
      log: [],
    };
    this.state.tasks.set(upid, task);
    const vmid = Number(options.id);
    const ct = this.state.containers.get(vmid);
    const holdsLock =
      ct && ['vzstart', 'vzstop', 'vzshutdown'].includes(options.type);
    if (holdsLock) ct.busyWith = upid;
    const fault = options.req.fault;
    const timer = setTimeout(async () => {
      this.timers.delete(timer);
      try {
        if (fault?.kind === 'task-fail') throw new Error(fault.exitstatus);
        await options.work(task);
        task.exitstatus = 'OK';
      } catch (err) {
        task.exitstatus =
          String((err as Error)?.message ?? err).trim() || 'unexpected status';
        task.log.push(task.exitstatus);
        try {
          await options.onFail?.(task);
        } catch {
          // cleanup failures stay in the task log only
        }
      } finally {
        if (holdsLock && ct.busyWith === upid) ct.busyWith = undefined;
        task.status = 'stopped';
        task.endtime = Math.floor(Date.now() / 1000);
      }
    }, this.control.latencyOf(options.operation) + (options.durationMs ?? 0));
    this.timers.add(timer);
    return upid;
  }
}
