import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { buildFromConfig, readBaseUrl, readTimeoutMs } from '../config';
import { UpstreamApiError } from '../errors';
import {
  OwnershipConflictError,
  hasDescriptionMark,
  pveEnvironmentTag,
} from '../ownership';
import { assertDnsLabel, assertInteger } from '../validation';
import {
  assertDescription,
  assertGrowGiB,
  assertPveNodeName,
  assertPveTags,
  assertUpid,
  assertVmid,
} from '../validation/proxmoxValues';
import {
  isLocked,
  isVmidTaken,
  type CloneFromTemplateOptions,
  type CreateFromOsTemplateOptions,
  type RestoreFromBackupOptions,
  type CreateResult,
  type LxcConfigChanges,
  type ProxmoxClient,
  type WaitForTaskOptions,
} from './ProxmoxClient';
import { PveTransport, type PveRequester } from './PveTransport';
import { waitForTask } from './waitForTask';
import {
  cloneParams,
  createFromOsTemplateParams,
  restoreParams,
} from './createParams';
import { sleep } from '../timing/sleep';
import { throwIfCallAborted } from '../timing/callSignal';
import { CtBackups } from './ctBackups';
import type {
  LxcConfig,
  LxcInterface,
  LxcListEntry,
  LxcStatus,
  PollBackoff,
  PveTaskStatus,
} from './types';
import {
  toClusterEntry,
  toConfig,
  toInterfaces,
  toStatus,
  digest,
} from './mapping';

/**
 * Retry policy of creates (vmid race, template lock).
 *
 * @public
 */
export interface CreateRetry {
  attempts: number;
  backoff: PollBackoff;
}

/**
 * {@link ProxmoxClient} over a {@link PveRequester} (by default {@link PveTransport}). Paths are
 * built here from validated values only; snapshots and firewall live in `ctExtras.ts`, backups in
 * `ctBackups.ts`.
 *
 * @public
 */
export class ProxmoxApiClient extends CtBackups implements ProxmoxClient {
  constructor(
    private readonly transport: PveRequester,
    readonly node: string,
    private readonly retry: CreateRetry = {
      attempts: 5,
      backoff: { initialMs: 500, maxMs: 4000, factor: 2 },
    },
  ) {
    super((method, path, params) => transport.request(method, path, params));
    assertPveNodeName(node);
  }

  /** Reads `dockerEnv.proxmox` (see config.d.ts). */
  static fromConfig(config: Config): ProxmoxApiClient {
    const section = 'dockerEnv.proxmox';
    return buildFromConfig(section, () => {
      const c = config.getConfig(section);
      return new ProxmoxApiClient(
        new PveTransport({
          url: readBaseUrl(c, section, '/api2/json'),
          tokenId: c.getString('tokenId'),
          tokenSecret: c.getString('tokenSecret'),
          timeoutMs: readTimeoutMs(c, section),
          caPem: c.getOptionalString('tls.caPem'),
          insecureSkipTlsVerify: c.getOptionalBoolean('tls.insecureSkipVerify'),
        }),
        c.getOptionalString('node') ?? 'pve',
      );
    });
  }

  forNode(node: string): ProxmoxApiClient {
    if (node === this.node) return this;
    return new ProxmoxApiClient(this.transport, node, this.retry);
  }

  protected ctPath(vmid: number): string {
    assertVmid(vmid);
    return `/nodes/${this.node}/lxc/${vmid}`;
  }

  async nextId(): Promise<number> {
    // PVE answers a JSON string ("106")
    const raw = await this.call('GET', '/cluster/nextid');
    const text = String(raw);
    if (!/^[1-9][0-9]{2,8}$/.test(text)) {
      throw new UpstreamApiError(
        `Proxmox GET /cluster/nextid: unexpected id ${JSON.stringify(raw)}`,
        { system: 'proxmox', status: 200, operation: 'GET /cluster/nextid' },
      );
    }
    return Number(text);
  }

  async listContainers(): Promise<LxcListEntry[]> {
    const list = await this.call('GET', '/cluster/resources', { type: 'vm' });
    if (!Array.isArray(list)) return [];
    return list
      .filter(e => e && typeof e === 'object' && e.type === 'lxc')
      .map(toClusterEntry);
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

  async isOurs(ct: LxcListEntry, environmentId: string): Promise<boolean> {
    const tag = pveEnvironmentTag(environmentId);
    if (ct.tags.includes(tag)) return true;
    // a clone is marked by its description first (clone takes no tags); tags follow
    const config = await this.forNode(ct.node).getConfig(ct.vmid);
    return (
      config.tags.includes(tag) ||
      hasDescriptionMark(config.description, environmentId)
    );
  }

  async cloneFromTemplate(
    options: CloneFromTemplateOptions,
  ): Promise<CreateResult> {
    const { templateVmid, hostname, environmentId, newid, params } =
      cloneParams(options);
    return this.createIdempotently(hostname, environmentId, newid, vmid =>
      this.call('POST', `${this.ctPath(templateVmid)}/clone`, {
        newid: vmid,
        ...params,
      }),
    );
  }

  async createFromOsTemplate(
    options: CreateFromOsTemplateOptions,
  ): Promise<CreateResult> {
    const { hostname, environmentId, vmid, params } =
      createFromOsTemplateParams(options);
    return this.createIdempotently(hostname, environmentId, vmid, id =>
      this.call('POST', `/nodes/${this.node}/lxc`, { vmid: id, ...params }),
    );
  }

  async restoreFromBackup(
    options: RestoreFromBackupOptions,
  ): Promise<CreateResult> {
    const { hostname, environmentId, params } = restoreParams(options);
    return this.createIdempotently(hostname, environmentId, undefined, vmid =>
      this.call('POST', `/nodes/${this.node}/lxc`, { vmid, ...params }),
    );
  }

  /**
   * Looks for a CT with the hostname anywhere in the cluster first: ours is returned (a retried
   * call), a stranger's is refused. Then posts with a fresh id; retries when the id was taken
   * meanwhile or the source is locked.
   */
  private async createIdempotently(
    hostname: string,
    environmentId: string,
    fixedId: number | undefined,
    post: (vmid: number) => Promise<unknown>,
  ): Promise<CreateResult> {
    let delay = this.retry.backoff.initialMs;
    for (let attempt = 1; ; attempt++) {
      const existing = await this.findContainer({ hostname });
      if (existing) {
        if (!(await this.isOurs(existing, environmentId))) {
          throw new OwnershipConflictError(
            'Proxmox',
            `CT ${existing.vmid} "${hostname}" on node ${existing.node}`,
            `no ${pveEnvironmentTag(environmentId)} tag or description mark`,
          );
        }
        return { vmid: existing.vmid, node: existing.node, existing: true };
      }
      const vmid = fixedId ?? (await this.nextId());
      // a step that gave up (timeout, lost lease) must not post another create
      throwIfCallAborted();
      try {
        const upid = assertUpid(await post(vmid));
        return { vmid, node: this.node, upid, existing: false };
      } catch (err) {
        const retriable =
          (isVmidTaken(err) && fixedId === undefined) || isLocked(err);
        if (!retriable || attempt >= this.retry.attempts) throw err;
        if (isLocked(err)) {
          // jittered: concurrent clones of one template would otherwise retry in lockstep
          await sleep(delay * (0.5 + Math.random() / 2));
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
    return waitForTask(this.transport, upid, options);
  }

  async getConfig(vmid: number): Promise<LxcConfig> {
    return toConfig(await this.call('GET', `${this.ctPath(vmid)}/config`));
  }

  async updateConfig(
    vmid: number,
    changes: LxcConfigChanges,
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
    if (changes.net0 !== undefined) {
      if (
        !/^[A-Za-z0-9_-]+=[^,\s]+(,[A-Za-z0-9_-]+=[^,\s]+)*$/.test(changes.net0)
      )
        throw new InputError(
          'net0: must be key=value pairs separated by commas',
        );
      params.net0 = changes.net0;
    }
    if (options.digest !== undefined) params.digest = digest(options.digest);
    if (Object.keys(params).length === 0)
      throw new InputError('changes: nothing to change');
    await this.call('PUT', `${this.ctPath(vmid)}/config`, params);
  }

  async resizeDisk(vmid: number, addGiB: number): Promise<string> {
    const grow = assertGrowGiB(addGiB);
    return assertUpid(
      await this.call('PUT', `${this.ctPath(vmid)}/resize`, {
        disk: 'rootfs',
        size: `+${grow}G`,
      }),
    );
  }

  async start(vmid: number): Promise<string> {
    return assertUpid(
      await this.call('POST', `${this.ctPath(vmid)}/status/start`),
    );
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
      await this.call('POST', `${this.ctPath(vmid)}/status/shutdown`, {
        timeout,
        forceStop: options.forceStop,
      }),
    );
  }

  async stop(vmid: number): Promise<string> {
    return assertUpid(
      await this.call('POST', `${this.ctPath(vmid)}/status/stop`),
    );
  }

  async getStatus(vmid: number): Promise<LxcStatus> {
    return toStatus(
      await this.call('GET', `${this.ctPath(vmid)}/status/current`),
    );
  }

  async getInterfaces(vmid: number): Promise<LxcInterface[] | null> {
    return toInterfaces(
      await this.call('GET', `${this.ctPath(vmid)}/interfaces`),
    );
  }

  async waitForIp(
    vmid: number,
    options: {
      timeoutMs?: number;
      intervalMs?: number;
      iface?: string;
      signal?: AbortSignal;
    } = {},
  ): Promise<string> {
    assertVmid(vmid);
    const iface = options.iface ?? 'eth0';
    if (!/^[a-z][a-z0-9]{0,14}$/.test(iface))
      throw new InputError('iface: must be an interface name like eth0');
    const timeoutMs = options.timeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ifaces = await this.getInterfaces(vmid);
      const ip = ifaces
        ?.find(i => i.name === iface)
        ?.addresses.find(a => a.type === 'inet')?.address;
      if (ip) return ip;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new UpstreamApiError(
          `Proxmox CT ${vmid}: no IPv4 address on ${iface} within ${timeoutMs} ms`,
          {
            system: 'proxmox',
            reason: 'ip timeout',
            operation: `GET /nodes/${this.node}/lxc/${vmid}/interfaces`,
          },
        );
      }
      await sleep(Math.min(options.intervalMs ?? 1000, left), options.signal);
    }
  }

  async destroy(
    vmid: number,
    options: { force?: boolean } = {},
  ): Promise<string> {
    return assertUpid(
      await this.call('DELETE', this.ctPath(vmid), {
        purge: true,
        'destroy-unreferenced-disks': true,
        force: options.force,
      }),
    );
  }
}
