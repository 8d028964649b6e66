// `POST /nodes/{node}/vzdump`: backing CTs up into a storage, one task for all.
import { type SimContext, type SimRequest } from '../context';
import { bootGuest, haltGuest } from '../guestPower';
import { PveError } from '../pveHttp';
import { type SimContainer, type SimStorage } from '../state';
import { requirePriv, hasPriv } from '../access/guestChecks';
import {
  COMPRESSED,
  storageOf,
  volumePath,
  vzdumpStamp,
} from './storageVolumes';

/**
 * The vzdump description: "The user needs 'VM.Backup' permissions on any VM, and
 * 'Datastore.AllocateSpace' on the backup storage [...] The 'tmpdir', 'dumpdir', 'script' and
 * 'job-id' parameters are restricted to the 'root@pam' user. The 'prune-backups' setting requires
 * 'Datastore.Allocate' on the backup storage. The 'bwlimit', 'performance' and 'ionice' parameters
 * require 'Sys.Modify' on '/'."
 */
function checkVzdumpPermissions(
  ctx: SimContext,
  req: SimRequest,
  storage: string,
  vmids: number[] | undefined,
): void {
  const p = req.params;
  for (const key of ['tmpdir', 'dumpdir', 'script', 'job-id']) {
    if (p[key] !== undefined && !req.auth.isRoot)
      throw PveError.params({ [key]: 'Only root may set this option.' });
  }
  // `all` backs up only the guests the caller may back up (the rest are skipped)
  for (const vmid of vmids ?? [])
    requirePriv(ctx, req, `/vms/${vmid}`, ['VM.Backup']);
  requirePriv(ctx, req, `/storage/${storage}`, ['Datastore.AllocateSpace']);
  if (p['prune-backups'] !== undefined)
    requirePriv(ctx, req, `/storage/${storage}`, ['Datastore.Allocate']);
  for (const key of ['bwlimit', 'performance', 'ionice']) {
    if (p[key] !== undefined) requirePriv(ctx, req, '/', ['Sys.Modify']);
  }
}

/** `POST /nodes/{node}/vzdump`: one task backs up every listed CT into the storage. */
export function vzdump(ctx: SimContext, req: SimRequest): string {
  const p = req.params;
  if (p.all && p.vmid !== undefined)
    throw PveError.params({ all: "option conflicts with option 'vmid'" });
  if (!p.all && p.vmid === undefined && p.pool === undefined && !p.stdout)
    throw PveError.params({
      vmid: 'property is missing and it is not optional',
    });
  const storageId = String(p.storage ?? 'local');
  const storage = storageOf(ctx, storageId);
  const vmids = p.all
    ? [...ctx.state.containers.keys()]
        .filter(vmid => hasPriv(ctx, req, `/vms/${vmid}`, ['VM.Backup']))
        .sort((a, b) => a - b)
    : String(p.vmid ?? '')
        .split(/[,; ]+/)
        .filter(Boolean)
        .map(Number);
  checkVzdumpPermissions(ctx, req, storageId, p.all ? undefined : vmids);
  const mode = String(p.mode ?? 'snapshot');
  const format = COMPRESSED[String(p.compress ?? '0')] ?? 'tar';
  const notesTemplate =
    p['notes-template'] !== undefined ? String(p['notes-template']) : undefined;
  return ctx.startTask({
    type: 'vzdump',
    id: vmids.length === 1 ? String(vmids[0]) : '',
    req,
    operation: 'proxmox.vzdump',
    work: async task => {
      // PVE::VZDump::storage_info dies before any guest is touched
      if (!storage.content.includes('backup'))
        throw new Error(
          `could not get storage information for '${storageId}': can't use storage '${storageId}' for backups - wrong content type`,
        );
      const failed: number[] = [];
      for (const vmid of vmids) {
        const ct = ctx.state.containers.get(vmid);
        task.log.push(`INFO: Starting Backup of VM ${vmid} (lxc)`);
        if (!ct) {
          task.log.push(
            `ERROR: Backup of VM ${vmid} failed - unable to find VM '${vmid}'`,
          );
          failed.push(vmid);
          continue;
        }
        if (ct.lock) {
          task.log.push(
            `ERROR: Backup of VM ${vmid} failed - CT is locked (${ct.lock})`,
          );
          failed.push(vmid);
          continue;
        }
        await backupOne(
          ctx,
          ct,
          {
            storage,
            mode,
            format,
            notesTemplate,
            protect: Boolean(p.protected),
          },
          task.log,
        );
      }
      if (failed.length) throw new Error(`job errors`);
    },
  });
}

export async function backupOne(
  ctx: SimContext,
  ct: SimContainer,
  options: {
    storage: SimStorage;
    mode: string;
    format: string;
    notesTemplate?: string;
    protect: boolean;
  },
  log: string[],
): Promise<void> {
  const wasRunning = ct.status === 'running';
  ct.lock = 'backup';
  try {
    if (options.mode === 'stop' && wasRunning) {
      log.push('INFO: stopping virtual guest');
      await haltGuest(ctx, ct);
    }
    const now = ctx.now();
    const name = `vzdump-lxc-${ct.vmid}-${vzdumpStamp(now)}.${options.format}`;
    const volid = `${options.storage.storage}:backup/${name}`;
    const hostname = String(ct.config.hostname ?? `CT${ct.vmid}`);
    const sizeGiB = Number(
      /size=(\d+)G/.exec(String(ct.config.rootfs))?.[1] ?? 8,
    );
    ctx.state.volumes.set(volid, {
      volid,
      content: 'backup',
      format: options.format,
      size: Math.floor(sizeGiB * 0.18 * 1024 ** 3),
      ctime: Math.floor(now / 1000),
      vmid: ct.vmid,
      notes: options.notesTemplate
        ?.replace(/\{\{guestname\}\}/g, hostname)
        .replace(/\{\{vmid\}\}/g, String(ct.vmid))
        .replace(/\{\{node\}\}/g, ctx.state.node)
        .replace(/\{\{cluster\}\}/g, ctx.state.node),
      protected: options.protect || undefined,
      backup: {
        config: { ...ct.config },
        firewall: JSON.parse(JSON.stringify(ct.firewall)),
        fromGoldenTemplate: ct.fromGoldenTemplate,
        disk: ctx.guests?.exportDisk?.(ct.vmid),
      },
    });
    log.push(
      `INFO: creating vzdump archive '${volumePath(
        ctx.state.volumes.get(volid)!,
      )}'`,
    );
    if (options.mode === 'stop' && wasRunning) {
      log.push('INFO: restarting vm');
      ct.lock = undefined;
      await bootGuest(ctx, ct);
    }
    log.push(`INFO: Finished Backup of VM ${ct.vmid}`);
  } finally {
    ct.lock = undefined;
  }
}
