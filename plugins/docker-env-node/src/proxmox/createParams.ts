import { InputError } from '@backstage/errors';
import {
  MANAGED_BY,
  assertEnvironmentId,
  descriptionMark,
  hasDescriptionMark,
  pveEnvironmentTag,
} from '../ownership';
import { assertDnsLabel, assertInteger } from '../validation';
import {
  assertBridgeName,
  assertDescription,
  assertOsTemplate,
  assertPoolId,
  assertPveTags,
  assertSshPublicKeys,
  assertStorageId,
  assertVmid,
} from '../validation/proxmoxValues';
import type {
  CloneFromTemplateOptions,
  CreateFromOsTemplateOptions,
  RestoreFromBackupOptions,
} from './ProxmoxClient';

/** A checked create request: what to look for first (hostname, mark) and the PVE parameters besides the id. */
export interface CreateRequest {
  hostname: string;
  environmentId: string;
  params: Record<string, unknown>;
}

/** Checks clone options; the clone is linked (`full: false`) and marked by its description line. */
export function cloneParams(
  options: CloneFromTemplateOptions,
): CreateRequest & { templateVmid: number; newid?: number } {
  const templateVmid = assertVmid(options.templateVmid, 'templateVmid');
  const hostname = assertDnsLabel(options.hostname, 'hostname');
  const environmentId = assertEnvironmentId(options.environmentId);
  if (options.newid !== undefined) assertVmid(options.newid, 'newid');
  if (options.pool !== undefined) assertPoolId(options.pool);
  return {
    templateVmid,
    hostname,
    environmentId,
    newid: options.newid,
    params: {
      hostname,
      full: false,
      pool: options.pool,
      description: markedDescription(options.description, environmentId),
    },
  };
}

/** Checks create options; the CT is unprivileged, DHCP on eth0 with the firewall on, tagged with our mark. */
export function createFromOsTemplateParams(
  options: CreateFromOsTemplateOptions,
): CreateRequest & { vmid?: number } {
  if (options.vmid !== undefined) assertVmid(options.vmid);
  const hostname = assertDnsLabel(options.hostname, 'hostname');
  const environmentId = assertEnvironmentId(options.environmentId);
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
  const tags = assertPveTags([
    ...new Set([
      MANAGED_BY,
      pveEnvironmentTag(environmentId),
      ...(options.tags ?? []),
    ]),
  ]);
  const description = markedDescription(options.description, environmentId);
  if (options.pool !== undefined) assertPoolId(options.pool);
  const features = options.features ?? 'nesting=1';
  if (
    !/^(nesting|keyctl|fuse)=[01](,(nesting|keyctl|fuse)=[01])*$/.test(features)
  )
    throw new InputError(
      'features: must be a list like nesting=1,keyctl=1 (nesting, keyctl, fuse)',
    );
  return {
    hostname,
    environmentId,
    vmid: options.vmid,
    params: {
      ostemplate,
      hostname,
      cores,
      memory,
      swap,
      rootfs: `${storage}:${disk}`,
      net0: `name=eth0,bridge=${bridge},ip=dhcp,firewall=1`,
      unprivileged: true,
      features,
      'ssh-public-keys': keys?.join('\n'),
      tags: tags.join(';'),
      description,
      pool: options.pool,
    },
  };
}

/** Checks restore options: a backup archive of a storage, restored under a fresh id with new MACs, tagged with our mark. */
export function restoreParams(
  options: RestoreFromBackupOptions,
): CreateRequest {
  const hostname = assertDnsLabel(options.hostname, 'hostname');
  const environmentId = assertEnvironmentId(options.environmentId);
  if (
    !/^[A-Za-z][A-Za-z0-9_.-]*:backup\/[A-Za-z0-9_.-]{1,200}$/.test(
      options.volid,
    )
  )
    throw new InputError(
      'volid: must be a backup volume like backup:backup/vzdump-lxc-105-2026_12_01-10_00_00.tar.zst',
    );
  const tags = assertPveTags([MANAGED_BY, pveEnvironmentTag(environmentId)]);
  return {
    hostname,
    environmentId,
    params: {
      ostemplate: options.volid,
      restore: true,
      unique: true,
      hostname,
      tags: tags.join(';'),
      description: markedDescription(options.description, environmentId),
      storage:
        options.storage !== undefined
          ? assertStorageId(options.storage)
          : undefined,
    },
  };
}

/** The caller's description with the ownership line appended (once). */
function markedDescription(
  description: string | undefined,
  environmentId: string,
): string {
  const text = description === undefined ? '' : assertDescription(description);
  if (hasDescriptionMark(text, environmentId)) return text;
  return assertDescription(
    text
      ? `${text}\n${descriptionMark(environmentId)}`
      : descriptionMark(environmentId),
  );
}
