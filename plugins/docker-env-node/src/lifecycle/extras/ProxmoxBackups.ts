import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { UpstreamApiError } from '../../errors';
import { PveTransport, type PveRequester } from '../../proxmox/PveTransport';
import {
  assertPveNodeName,
  assertStorageId,
  assertUpid,
  assertVmid,
} from '../../validation/proxmoxValues';

/** One backup archive in a PVE storage (`GET /nodes/{node}/storage/{storage}/content?content=backup`). */
export interface PveBackup {
  volid: string;
  vmid: number;
  /** Creation time, seconds since the epoch. */
  ctime: number;
  size?: number;
  notes?: string;
}

/**
 * The PVE backup calls the lifecycle needs and `ProxmoxClient` does not offer yet: `vzdump` and the backup
 * listing of a storage. Kept here, on the same {@link PveTransport}, until the client grows them.
 */
export class ProxmoxBackups {
  constructor(private readonly transport: PveRequester, readonly node: string) {
    assertPveNodeName(node);
  }

  /** Reads `dockerEnv.proxmox` like `ProxmoxApiClient.fromConfig`. */
  static fromConfig(config: Config): ProxmoxBackups {
    const c = config.getConfig('dockerEnv.proxmox');
    return new ProxmoxBackups(
      new PveTransport({
        url: c.getString('baseUrl'),
        tokenId: c.getString('tokenId'),
        tokenSecret: c.getString('tokenSecret'),
        timeoutMs: c.getOptionalNumber('requestTimeoutMs'),
        caPem: c.getOptionalString('tls.caPem'),
        insecureSkipTlsVerify: c.getOptionalBoolean('tls.insecureSkipVerify'),
      }),
      c.getOptionalString('node') ?? 'pve',
    );
  }

  /** Starts a backup of one CT into `storage`; answers the task's UPID. */
  async vzdump(
    vmid: number,
    options: { storage: string; mode: 'snapshot' | 'stop'; notes?: string },
  ): Promise<string> {
    assertVmid(vmid);
    const storage = assertStorageId(options.storage);
    if (options.mode !== 'snapshot' && options.mode !== 'stop')
      throw new InputError('mode: must be snapshot or stop');
    if (
      options.notes !== undefined &&
      !/^[A-Za-z0-9 _.,:;()/+=-]{0,200}$/.test(options.notes)
    )
      throw new InputError(
        'notes: may contain only letters, digits, spaces and _ . , : ; ( ) / + = - (max 200)',
      );
    const upid = await this.transport.request(
      'POST',
      `/nodes/${this.node}/vzdump`,
      {
        vmid,
        storage,
        mode: options.mode,
        compress: 'zstd',
        'notes-template': options.notes,
      },
    );
    return assertUpid(upid);
  }

  /** The backups of one CT in `storage`, newest first. */
  async listBackups(storage: string, vmid: number): Promise<PveBackup[]> {
    assertVmid(vmid);
    const id = assertStorageId(storage);
    const list: unknown = await this.transport.request(
      'GET',
      `/nodes/${this.node}/storage/${id}/content`,
      { content: 'backup', vmid },
    );
    if (!Array.isArray(list))
      throw new UpstreamApiError(
        `Proxmox GET /nodes/${this.node}/storage/${id}/content: expected a list`,
        { system: 'proxmox', status: 200, operation: 'GET storage content' },
      );
    return list
      .filter(e => e && Number(e.vmid) === vmid && typeof e.volid === 'string')
      .map(e => ({
        volid: String(e.volid),
        vmid,
        ctime: Number(e.ctime ?? 0),
        size: typeof e.size === 'number' ? e.size : undefined,
        notes: typeof e.notes === 'string' ? e.notes : undefined,
      }))
      .sort((a, b) => b.ctime - a.ctime);
  }
}
