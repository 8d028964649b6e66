import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { proxmoxApi, type Proxmox } from 'proxmox-api';
import { buildFromConfig, readBaseUrl, readTimeoutMs } from '../config';
import { UpstreamApiError } from '../errors';
import { assertDnsLabel, assertInteger } from '../validation';
import {
  assertBridgeName,
  assertDescription,
  assertFirewallAddress,
  assertFirewallPort,
  assertGrowGiB,
  assertOsTemplate,
  assertPoolId,
  assertPveNodeName,
  assertPveTags,
  assertSnapshotName,
  assertSshPublicKeys,
  assertStorageId,
  assertUpid,
  assertVmid,
} from '../validation/proxmoxValues';
import { PveTransport, type PveTransportOptions } from './PveTransport';
import type {
  LxcConfig,
  LxcFirewallOptions,
  LxcFirewallRule,
  LxcInterface,
  LxcListEntry,
  LxcSnapshot,
  LxcStatus,
  PollBackoff,
  PveTaskStatus,
  RrdPoint,
} from './types';
import { ProxmoxTaskError } from './ProxmoxTaskError';
import {
  toConfig,
  toFirewallRule,
  toInterfaces,
  toListEntry,
  toStatus,
} from './mapping';

/** Options of {@link ProxmoxClient.cloneFromTemplate}. */
export interface CloneFromTemplateOptions {
  templateVmid: number;
  hostname: string;
  /** Fixed id; default: `nextId()` with retries when another create takes it first. */
  newid?: number;
  pool?: string;
  target?: string;
  description?: string;
}

/** Options of {@link ProxmoxClient.createFromOsTemplate}. */
export interface CreateFromOsTemplateOptions {
  vmid?: number;
  ostemplate: string;
  hostname: string;
  cores: number;
  /** MiB. */
  memoryMiB: number;
  /** MiB. */
  swapMiB: number;
  storage: string;
  diskGiB: number;
  bridge?: string;
  sshPublicKeys?: string[];
  tags?: string[];
  description?: string;
  pool?: string;
}

/** A started (or found) CT creation. */
export interface CreateResult {
  vmid: number;
  /** The task to wait for; undefined when an existing CT with that hostname was found. */
  upid?: string;
  /** True when a CT with the hostname already existed (a retried call), nothing was created. */
  existing: boolean;
}

/** Options for waiting on tasks. */
export interface WaitForTaskOptions {
  timeoutMs?: number;
  backoff?: Partial<PollBackoff>;
}

/** The Proxmox VE operations the platform uses for LXC environments. */
export interface ProxmoxClient {
  readonly node: string;
  nextId(): Promise<number>;
  listContainers(): Promise<LxcListEntry[]>;
  findContainer(match: {
    hostname?: string;
    tag?: string;
  }): Promise<LxcListEntry | undefined>;
  cloneFromTemplate(options: CloneFromTemplateOptions): Promise<CreateResult>;
  createFromOsTemplate(
    options: CreateFromOsTemplateOptions,
  ): Promise<CreateResult>;
  waitForTask(
    upid: string,
    options?: WaitForTaskOptions,
  ): Promise<PveTaskStatus>;
  getConfig(vmid: number): Promise<LxcConfig>;
  updateConfig(
    vmid: number,
    changes: {
      cores?: number;
      memoryMiB?: number;
      swapMiB?: number;
      cpulimit?: number;
      tags?: string[];
      description?: string;
    },
    options?: { digest?: string },
  ): Promise<void>;
  resizeDisk(vmid: number, addGiB: number): Promise<string>;
  start(vmid: number): Promise<string>;
  shutdown(
    vmid: number,
    options?: { timeoutSeconds?: number; forceStop?: boolean },
  ): Promise<string>;
  stop(vmid: number): Promise<string>;
  getStatus(vmid: number): Promise<LxcStatus>;
  getInterfaces(vmid: number): Promise<LxcInterface[] | null>;
  waitForIp(
    vmid: number,
    options?: { timeoutMs?: number; intervalMs?: number; iface?: string },
  ): Promise<string>;
  getRrdData(
    vmid: number,
    options?: {
      timeframe?: 'hour' | 'day' | 'week' | 'month' | 'year';
      cf?: 'AVERAGE' | 'MAX';
    },
  ): Promise<RrdPoint[]>;
  listSnapshots(vmid: number): Promise<LxcSnapshot[]>;
  createSnapshot(
    vmid: number,
    name: string,
    description?: string,
  ): Promise<string>;
  deleteSnapshot(
    vmid: number,
    name: string,
    options?: { force?: boolean },
  ): Promise<string>;
  rollbackSnapshot(
    vmid: number,
    name: string,
    options?: { start?: boolean },
  ): Promise<string>;
  destroy(vmid: number, options?: { force?: boolean }): Promise<string>;
  getFirewallOptions(vmid: number): Promise<LxcFirewallOptions>;
  setFirewallOptions(vmid: number, options: LxcFirewallOptions): Promise<void>;
  listFirewallRules(vmid: number): Promise<LxcFirewallRule[]>;
  createFirewallRule(vmid: number, rule: LxcFirewallRule): Promise<void>;
  deleteFirewallRule(
    vmid: number,
    pos: number,
    options?: { digest?: string },
  ): Promise<void>;
}

const DEFAULT_BACKOFF: PollBackoff = {
  initialMs: 250,
  maxMs: 2000,
  factor: 1.5,
};
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** True for PVE's answers when a vmid is taken (nextid/create race). */
export function isVmidTaken(err: unknown): boolean {
  if (!(err instanceof UpstreamApiError)) return false;
  if (err.status === 400 && err.fieldErrors.vmid) return true;
  // create/clone die in check_vmid_unused with a plain 500 "CT 105 already exists on node 'pve'"
  return err.status === 500 && /already exists on node/.test(err.reason ?? '');
}

/** True when the source CT is locked by a concurrent task (e.g. another clone of the template). */
export function isLocked(err: unknown): boolean {
  return (
    err instanceof UpstreamApiError &&
    err.status === 500 &&
    /^CT is locked \(|can't lock file .* got timeout/.test(err.reason ?? '')
  );
}

/** {@link ProxmoxClient} over the `proxmox-api` proxy with a {@link PveTransport}. */
export class ProxmoxApiClient implements ProxmoxClient {
  private readonly api: Proxmox.Api;

  constructor(
    transport: PveTransport,
    readonly node: string,
    private readonly retry: { attempts: number; backoff: PollBackoff } = {
      attempts: 5,
      backoff: { initialMs: 500, maxMs: 4000, factor: 2 },
    },
  ) {
    assertPveNodeName(node);
    this.api = proxmoxApi(transport);
  }

  /** Reads `dockerEnv.proxmox` (see config.d.ts). */
  static fromConfig(config: Config): ProxmoxApiClient {
    const section = 'dockerEnv.proxmox';
    return buildFromConfig(section, () => {
      const c = config.getConfig(section);
      const options: PveTransportOptions = {
        url: readBaseUrl(c, section, '/api2/json'),
        tokenId: c.getString('tokenId'),
        tokenSecret: c.getString('tokenSecret'),
        timeoutMs: readTimeoutMs(c, section),
        caPem: c.getOptionalString('tls.caPem'),
        insecureSkipTlsVerify: c.getOptionalBoolean('tls.insecureSkipVerify'),
      };
      return new ProxmoxApiClient(
        new PveTransport(options),
        c.getOptionalString('node') ?? 'pve',
      );
    });
  }

  private ct(vmid: number) {
    assertVmid(vmid);
    return this.api.nodes.$(this.node).lxc.$(vmid);
  }

  async nextId(): Promise<number> {
    // PVE answers a JSON string ("106"); the package's types say number
    const raw: unknown = await this.api.cluster.nextid.$get();
    const text = String(raw);
    if (!/^[1-9][0-9]{2,8}$/.test(text)) {
      throw new UpstreamApiError(
        `Proxmox GET /cluster/nextid: unexpected id ${JSON.stringify(raw)}`,
        {
          system: 'proxmox',
          status: 200,
          operation: 'GET /cluster/nextid',
        },
      );
    }
    return Number(text);
  }

  async listContainers(): Promise<LxcListEntry[]> {
    const list = (await this.api.nodes
      .$(this.node)
      .lxc.$get()) as unknown as Record<string, unknown>[];
    return list.map(toListEntry);
  }

  async findContainer(match: {
    hostname?: string;
    tag?: string;
  }): Promise<LxcListEntry | undefined> {
    if (match.hostname === undefined && match.tag === undefined)
      throw new InputError('match: give hostname or tag');
    if (match.hostname !== undefined)
      assertDnsLabel(match.hostname, 'hostname');
    if (match.tag !== undefined) assertPveTags([match.tag], 'tag');
    const list = await this.listContainers();
    return list.find(
      ct =>
        !ct.template &&
        (match.hostname === undefined || ct.name === match.hostname) &&
        (match.tag === undefined || ct.tags.includes(match.tag)),
    );
  }

  async cloneFromTemplate(
    options: CloneFromTemplateOptions,
  ): Promise<CreateResult> {
    assertVmid(options.templateVmid, 'templateVmid');
    const hostname = assertDnsLabel(options.hostname, 'hostname');
    if (options.newid !== undefined) assertVmid(options.newid, 'newid');
    if (options.pool !== undefined) assertPoolId(options.pool);
    if (options.target !== undefined)
      assertPveNodeName(options.target, 'target');
    if (options.description !== undefined)
      assertDescription(options.description);

    return this.createIdempotently(hostname, options.newid, vmid =>
      this.api.nodes.$(this.node).lxc.$(options.templateVmid).clone.$post({
        newid: vmid,
        hostname,
        full: false,
        pool: options.pool,
        target: options.target,
        description: options.description,
      }),
    );
  }

  async createFromOsTemplate(
    options: CreateFromOsTemplateOptions,
  ): Promise<CreateResult> {
    if (options.vmid !== undefined) assertVmid(options.vmid);
    const hostname = assertDnsLabel(options.hostname, 'hostname');
    const ostemplate = assertOsTemplate(options.ostemplate);
    const storage = assertStorageId(options.storage);
    const bridge = assertBridgeName(options.bridge ?? 'vmbr0');
    const cores = assertInteger(options.cores, 'cores', 1, 8192);
    const memory = assertInteger(options.memoryMiB, 'memoryMiB', 16, 4_194_304);
    const swap = assertInteger(options.swapMiB, 'swapMiB', 0, 4_194_304);
    const disk = assertInteger(options.diskGiB, 'diskGiB', 1, 16384);
    const keys = options.sshPublicKeys
      ? assertSshPublicKeys(options.sshPublicKeys)
      : undefined;
    const tags = options.tags ? assertPveTags(options.tags) : undefined;
    if (options.description !== undefined)
      assertDescription(options.description);
    if (options.pool !== undefined) assertPoolId(options.pool);

    return this.createIdempotently(hostname, options.vmid, vmid =>
      this.api.nodes.$(this.node).lxc.$post({
        vmid,
        ostemplate,
        hostname,
        cores,
        memory,
        swap,
        rootfs: `${storage}:${disk}`,
        net0: `name=eth0,bridge=${bridge},ip=dhcp,firewall=1`,
        unprivileged: true,
        // keyctl=1 (Docker) cannot be set by API tokens: that is why the golden-template clone exists
        features: 'nesting=1',
        'ssh-public-keys': keys?.join('\n'),
        tags: tags?.join(';'),
        description: options.description,
        pool: options.pool,
      }),
    );
  }

  /**
   * Finds a CT with the hostname first (a retried call must not create a second one), then
   * posts with a fresh id; retries when the id was taken meanwhile or the source is locked.
   */
  private async createIdempotently(
    hostname: string,
    fixedId: number | undefined,
    post: (vmid: number) => Promise<string>,
  ): Promise<CreateResult> {
    let delay = this.retry.backoff.initialMs;
    for (let attempt = 1; ; attempt++) {
      const existing = await this.findContainer({ hostname });
      if (existing) return { vmid: existing.vmid, existing: true };
      const vmid = fixedId ?? (await this.nextId());
      try {
        const upid = assertUpid(await post(vmid));
        return { vmid, upid, existing: false };
      } catch (err) {
        const retriable =
          (isVmidTaken(err) && fixedId === undefined) || isLocked(err);
        if (!retriable || attempt >= this.retry.attempts) throw err;
        if (isLocked(err)) {
          await sleep(delay);
          delay = Math.min(
            this.retry.backoff.maxMs,
            delay * this.retry.backoff.factor,
          );
        }
      }
    }
  }

  async waitForTask(
    upid: string,
    options: WaitForTaskOptions = {},
  ): Promise<PveTaskStatus> {
    assertUpid(upid);
    const taskNode = upid.split(':')[1];
    const timeoutMs = options.timeoutMs ?? 300_000;
    const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    const deadline = Date.now() + timeoutMs;
    let delay = backoff.initialMs;
    let transientFailures = 0;
    for (;;) {
      let status: PveTaskStatus | undefined;
      try {
        status = (await this.api.nodes
          .$(taskNode)
          .tasks.$(upid)
          .status.$get()) as unknown as PveTaskStatus;
        transientFailures = 0;
      } catch (err) {
        // polling is a safe GET: ride out a few transport failures, never an HTTP error
        if (
          !(err instanceof UpstreamApiError) ||
          err.status !== undefined ||
          ++transientFailures > 3
        )
          throw err;
      }
      if (status?.status === 'stopped') {
        const exit = status.exitstatus ?? '';
        if (exit === 'OK' || /^WARNINGS: \d+$/.test(exit)) return status;
        throw new ProxmoxTaskError(upid, status.type, exit);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new UpstreamApiError(
          `Proxmox task ${upid} still running after ${timeoutMs} ms`,
          {
            system: 'proxmox',
            reason: 'task timeout',
            operation: `GET /nodes/${taskNode}/tasks/{upid}/status`,
          },
        );
      }
      await sleep(Math.min(delay, left));
      delay = Math.min(backoff.maxMs, delay * backoff.factor);
    }
  }

  async getConfig(vmid: number): Promise<LxcConfig> {
    return toConfig(
      (await this.ct(vmid).config.$get()) as unknown as Record<string, unknown>,
    );
  }

  async updateConfig(
    vmid: number,
    changes: {
      cores?: number;
      memoryMiB?: number;
      swapMiB?: number;
      cpulimit?: number;
      tags?: string[];
      description?: string;
    },
    options: { digest?: string } = {},
  ): Promise<void> {
    const params: Record<string, unknown> = {};
    if (changes.cores !== undefined)
      params.cores = assertInteger(changes.cores, 'cores', 1, 8192);
    if (changes.memoryMiB !== undefined)
      params.memory = assertInteger(
        changes.memoryMiB,
        'memoryMiB',
        16,
        4_194_304,
      );
    if (changes.swapMiB !== undefined)
      params.swap = assertInteger(changes.swapMiB, 'swapMiB', 0, 4_194_304);
    if (changes.cpulimit !== undefined) {
      if (
        typeof changes.cpulimit !== 'number' ||
        !(changes.cpulimit >= 0 && changes.cpulimit <= 8192)
      ) {
        throw new InputError('cpulimit: must be a number between 0 and 8192');
      }
      params.cpulimit = changes.cpulimit;
    }
    if (changes.tags !== undefined)
      params.tags = assertPveTags(changes.tags).join(';');
    if (changes.description !== undefined)
      params.description = assertDescription(changes.description);
    if (options.digest !== undefined) params.digest = digest(options.digest);
    if (Object.keys(params).length === 0)
      throw new InputError('changes: nothing to change');
    await this.ct(vmid).config.$put(params as any);
  }

  async resizeDisk(vmid: number, addGiB: number): Promise<string> {
    const grow = assertGrowGiB(addGiB);
    return assertUpid(
      await this.ct(vmid).resize.$put({ disk: 'rootfs', size: `+${grow}G` }),
    );
  }

  async start(vmid: number): Promise<string> {
    return assertUpid(await this.ct(vmid).status.start.$post());
  }

  async shutdown(
    vmid: number,
    options: { timeoutSeconds?: number; forceStop?: boolean } = {},
  ): Promise<string> {
    const timeout =
      options.timeoutSeconds !== undefined
        ? assertInteger(options.timeoutSeconds, 'timeoutSeconds', 0, 3600)
        : undefined;
    return assertUpid(
      await this.ct(vmid).status.shutdown.$post({
        timeout,
        forceStop: options.forceStop,
      }),
    );
  }

  async stop(vmid: number): Promise<string> {
    return assertUpid(await this.ct(vmid).status.stop.$post());
  }

  async getStatus(vmid: number): Promise<LxcStatus> {
    return toStatus(
      (await this.ct(vmid).status.current.$get()) as unknown as Record<
        string,
        unknown
      >,
    );
  }

  async getInterfaces(vmid: number): Promise<LxcInterface[] | null> {
    return toInterfaces(await this.ct(vmid).interfaces.$get());
  }

  async waitForIp(
    vmid: number,
    options: { timeoutMs?: number; intervalMs?: number; iface?: string } = {},
  ): Promise<string> {
    assertVmid(vmid);
    const iface = options.iface ?? 'eth0';
    if (!/^[a-z][a-z0-9]{0,14}$/.test(iface))
      throw new InputError('iface: must be an interface name like eth0');
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const ifaces = await this.getInterfaces(vmid);
      const ip = ifaces
        ?.find(i => i.name === iface)
        ?.addresses.find(a => a.type === 'inet')?.address;
      if (ip) return ip;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new UpstreamApiError(
          `Proxmox CT ${vmid}: no IPv4 address on ${iface} within ${
            options.timeoutMs ?? 60_000
          } ms`,
          {
            system: 'proxmox',
            reason: 'ip timeout',
            operation: `GET /nodes/${this.node}/lxc/${vmid}/interfaces`,
          },
        );
      }
      await sleep(Math.min(options.intervalMs ?? 1000, left));
    }
  }

  async getRrdData(
    vmid: number,
    options: {
      timeframe?: 'hour' | 'day' | 'week' | 'month' | 'year';
      cf?: 'AVERAGE' | 'MAX';
    } = {},
  ): Promise<RrdPoint[]> {
    const timeframe = options.timeframe ?? 'hour';
    const cf = options.cf ?? 'AVERAGE';
    if (!['hour', 'day', 'week', 'month', 'year'].includes(timeframe))
      throw new InputError('timeframe: must be hour, day, week, month or year');
    if (!['AVERAGE', 'MAX'].includes(cf))
      throw new InputError('cf: must be AVERAGE or MAX');
    return (await this.ct(vmid).rrddata.$get({
      timeframe,
      cf,
    })) as unknown as RrdPoint[];
  }

  async listSnapshots(vmid: number): Promise<LxcSnapshot[]> {
    const list = (await this.ct(vmid).snapshot.$get()) as unknown as Record<
      string,
      unknown
    >[];
    return list
      .filter(s => s.name !== 'current')
      .map(s => ({
        name: String(s.name),
        description: String(s.description ?? ''),
        snaptime: typeof s.snaptime === 'number' ? s.snaptime : undefined,
        parent: typeof s.parent === 'string' ? s.parent : undefined,
      }));
  }

  async createSnapshot(
    vmid: number,
    name: string,
    description?: string,
  ): Promise<string> {
    const snapname = assertSnapshotName(name);
    if (description !== undefined) assertDescription(description);
    return assertUpid(
      await this.ct(vmid).snapshot.$post({ snapname, description }),
    );
  }

  async deleteSnapshot(
    vmid: number,
    name: string,
    options: { force?: boolean } = {},
  ): Promise<string> {
    const snapname = assertSnapshotName(name);
    return assertUpid(
      await this.ct(vmid)
        .snapshot.$(snapname)
        .$delete({ force: options.force }),
    );
  }

  async rollbackSnapshot(
    vmid: number,
    name: string,
    options: { start?: boolean } = {},
  ): Promise<string> {
    const snapname = assertSnapshotName(name);
    return assertUpid(
      await this.ct(vmid)
        .snapshot.$(snapname)
        .rollback.$post({ start: options.start } as any),
    );
  }

  async destroy(
    vmid: number,
    options: { force?: boolean } = {},
  ): Promise<string> {
    return assertUpid(
      await this.ct(vmid).$delete({
        purge: true,
        'destroy-unreferenced-disks': true,
        force: options.force,
      }),
    );
  }

  async getFirewallOptions(vmid: number): Promise<LxcFirewallOptions> {
    const o = (await this.ct(
      vmid,
    ).firewall.options.$get()) as unknown as Record<string, unknown>;
    return {
      enable: o.enable === undefined ? undefined : Number(o.enable) === 1,
      policy_in: o.policy_in as LxcFirewallOptions['policy_in'],
      policy_out: o.policy_out as LxcFirewallOptions['policy_out'],
      digest: typeof o.digest === 'string' ? o.digest : undefined,
    };
  }

  async setFirewallOptions(
    vmid: number,
    options: LxcFirewallOptions,
  ): Promise<void> {
    const policies = ['ACCEPT', 'REJECT', 'DROP'];
    if (
      options.policy_in !== undefined &&
      !policies.includes(options.policy_in)
    )
      throw new InputError('policy_in: must be ACCEPT, REJECT or DROP');
    if (
      options.policy_out !== undefined &&
      !policies.includes(options.policy_out)
    )
      throw new InputError('policy_out: must be ACCEPT, REJECT or DROP');
    if (options.enable !== undefined && typeof options.enable !== 'boolean')
      throw new InputError('enable: must be a boolean');
    await this.ct(vmid).firewall.options.$put({
      enable: options.enable,
      policy_in: options.policy_in,
      policy_out: options.policy_out,
      digest: options.digest !== undefined ? digest(options.digest) : undefined,
    });
  }

  async listFirewallRules(vmid: number): Promise<LxcFirewallRule[]> {
    const list = (await this.ct(
      vmid,
    ).firewall.rules.$get()) as unknown as Record<string, unknown>[];
    return list.map(toFirewallRule);
  }

  async createFirewallRule(vmid: number, rule: LxcFirewallRule): Promise<void> {
    if (!['in', 'out'].includes(rule.type))
      throw new InputError('type: must be in or out');
    if (!['ACCEPT', 'REJECT', 'DROP'].includes(rule.action))
      throw new InputError('action: must be ACCEPT, REJECT or DROP');
    if (
      rule.proto !== undefined &&
      !['tcp', 'udp', 'icmp'].includes(rule.proto)
    )
      throw new InputError('proto: must be tcp, udp or icmp');
    if (rule.dport !== undefined) assertFirewallPort(rule.dport, 'dport');
    if (rule.source !== undefined) assertFirewallAddress(rule.source, 'source');
    if (rule.dest !== undefined) assertFirewallAddress(rule.dest, 'dest');
    if (
      rule.comment !== undefined &&
      !/^[A-Za-z0-9 _.,:;()/+-]{0,200}$/.test(rule.comment)
    ) {
      throw new InputError(
        'comment: may contain only letters, digits, spaces and _ . , : ; ( ) / + - (max 200)',
      );
    }
    if (rule.pos !== undefined) assertInteger(rule.pos, 'pos', 0, 100_000);
    await this.ct(vmid).firewall.rules.$post({
      type: rule.type,
      action: rule.action,
      enable: rule.enable === false ? 0 : 1,
      proto: rule.proto,
      dport: rule.dport,
      source: rule.source,
      dest: rule.dest,
      comment: rule.comment,
      pos: rule.pos,
    });
  }

  async deleteFirewallRule(
    vmid: number,
    pos: number,
    options: { digest?: string } = {},
  ): Promise<void> {
    assertInteger(pos, 'pos', 0, 100_000);
    await this.ct(vmid)
      .firewall.rules.$(String(pos))
      .$delete({
        digest:
          options.digest !== undefined ? digest(options.digest) : undefined,
      });
  }
}

function digest(value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{40,64}$/.test(value))
    throw new InputError('digest: must be a hex digest');
  return value;
}
