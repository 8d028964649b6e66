import express from 'express';
import http from 'node:http';
import { LabControl } from '../core/LabControl';
import { ClosableServer } from '../core/ClosableServer';
import { DEFAULT_GUEST_IP_BLOCK, type GuestHost } from '../core/GuestHost';
import { bootGuest } from './guestPower';
import {
  DEFAULT_PROXMOX_SIM_TOKEN,
  PROXMOX_SIM_LATENCIES,
  type ProxmoxSavedState,
  type ProxmoxSimRequestRecord,
  type ProxmoxSimToken,
  type ProxmoxSimulatorOptions,
} from './config';
import type { SimContext } from './context';
import { authenticate, flatten, matchRoute } from './dispatch';
import { verifyParams } from './params';
import { PveError, sendData, sendError } from './pveHttp';
import { AccessControl } from './access/AccessControl';
import { checkApi2Perm } from './access/apiCheck';
import { operationPermissions } from './access/operationTable';
import {
  defaultOsTemplates,
  defaultStorages,
  goldenTemplate,
  type ProxmoxSimState,
  type SimContainer,
  type SimTask,
} from './state';
import { TaskRunner } from './tasks';

/**
 * A loopback Proxmox VE 9 node for tests and the portal's embedded default: token auth, the LXC
 * API the platform uses (clone from a golden template, create, power, config, resize,
 * snapshots, firewall, status, interfaces, rrd data) with asynchronous tasks (UPIDs), locks,
 * PVE's reason phrases and error bodies. Plain HTTP on 127.0.0.1 (real PVE is HTTPS on 8006).
 */
export class ProxmoxSimulator {
  /** Every request received, in order. */
  readonly requests: ProxmoxSimRequestRecord[] = [];
  private readonly tasks: TaskRunner;

  private constructor(
    private readonly server: ClosableServer,
    /** Base URL, `http://127.0.0.1:PORT/api2/json`. */
    readonly url: string,
    readonly control: LabControl,
    readonly state: ProxmoxSimState,
    tokens: ProxmoxSimToken[],
    private readonly guests?: GuestHost,
  ) {
    this.tasks = new TaskRunner(state, control);
    // the built-in tokens keep Administrator on `/`; tests make their own through `/access`
    for (const t of tokens) this.access.addAdminToken(t.id, t.secret);
  }

  /** Users, groups, tokens, roles and ACLs of the simulated cluster (also reachable through `/access`). */
  readonly access = new AccessControl();
  /** The datacenter firewall options (`/cluster/firewall/options`); PVE's default is off. */
  readonly clusterFirewall: Record<string, string | number> = {};

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
      { tls: options.tls },
    );
    const { port } = server;
    const sim = new ProxmoxSimulator(
      server,
      `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/api2/json`,
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
      this.tasks.notePid(task.pid);
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
    this.tasks.cancelAll();
    await this.server.close();
  }

  private async handle(
    req: express.Request,
    res: express.Response,
  ): Promise<void> {
    const path = req.path;
    const query = flatten(req.query);
    const body = flatten(req.body);
    const auth = authenticate(this.access, req.headers.authorization);
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
    const match = matchRoute(req.method, path);
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
      // pve-http-server checks the operation's pinned `permissions.check` before the handler
      // verifies the parameters (so a 403 comes before a 400)
      const raw = { ...query, ...body, ...pathParams };
      const check = operationPermissions(route.method, route.template)?.check;
      if (check && !auth.isRoot)
        checkApi2Perm(this.access, check, auth.tokenUser, raw);
      // PVE merges query and body parameters; path parameters win
      const params = verifyParams(raw, route.params, route.indexed);
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
      access: this.access,
      clusterFirewall: this.clusterFirewall,
      now: () => Date.now(),
      startTask: options => this.tasks.start(options),
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
}
