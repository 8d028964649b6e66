import { InputError } from '@backstage/errors';
import { UpstreamApiError } from '../errors';
import {
  assertStorageId,
  assertUpid,
  assertVmid,
} from '../validation/proxmoxValues';
import { CtExtras } from './ctExtras';
import type { PveBackup } from './types';

/** The CT backup calls (`vzdump` and a storage's backup listing) on top of {@link CtExtras}. */
export abstract class CtBackups extends CtExtras {
  /** The node the client addresses. */
  abstract readonly node: string;

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
    return assertUpid(
      await this.call('POST', `/nodes/${this.node}/vzdump`, {
        vmid,
        storage,
        mode: options.mode,
        compress: 'zstd',
        'notes-template': options.notes,
      }),
    );
  }

  /**
   * The UPIDs of the node's active tasks of `type` for CT `vmid` (`GET /nodes/{node}/tasks`, `source=active`, which
   * may still list one that just ended): a task an earlier attempt started, that the caller waits for rather than
   * start a second one.
   */
  async activeTasks(vmid: number, type: string): Promise<string[]> {
    assertVmid(vmid);
    if (!/^[a-z][a-z0-9]{1,30}$/.test(type))
      throw new InputError('type: must be a PVE task type such as vzdump');
    const list: unknown = await this.call('GET', `/nodes/${this.node}/tasks`, {
      source: 'active',
      vmid,
      typefilter: type,
    });
    if (!Array.isArray(list))
      throw new UpstreamApiError(
        `Proxmox GET /nodes/${this.node}/tasks: expected a list`,
        { system: 'proxmox', status: 200, operation: 'GET node tasks' },
      );
    return list
      .filter(
        t =>
          t &&
          typeof t.upid === 'string' &&
          t.type === type &&
          String(t.id) === String(vmid),
      )
      .map(t => assertUpid(t.upid));
  }

  /** The backups of one CT in `storage`, newest first. */
  async listBackups(storage: string, vmid: number): Promise<PveBackup[]> {
    assertVmid(vmid);
    const id = assertStorageId(storage);
    const list: unknown = await this.call(
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

  async deleteBackup(volid: string): Promise<string | undefined> {
    const m =
      /^([A-Za-z][A-Za-z0-9_.-]*):(backup\/[A-Za-z0-9_.-]{1,200})$/.exec(volid);
    if (!m) throw new InputError('volid: must be a backup volume');
    const storage = assertStorageId(m[1]);
    try {
      return assertUpid(
        await this.call(
          'DELETE',
          `/nodes/${this.node}/storage/${storage}/content/${encodeURIComponent(
            volid,
          )}`,
        ),
      );
    } catch (e) {
      // PVE dies with "volume '<volid>' does not exist" (500) for a volume gone already
      if (e instanceof UpstreamApiError && /does not exist/.test(e.message))
        return undefined;
      throw e;
    }
  }
}
