import { fail, requireString } from './primitives';

// Proxmox-specific checks, run before a value reaches a PVE URL or parameter. Each throws
// InputError "field: rule" so nothing is sent.

/**
 * A Proxmox guest id: whole number 100..999999999.
 *
 * @public
 */
export function assertVmid(value: unknown, field = 'vmid'): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 100 ||
    value > 999_999_999
  ) {
    fail(field, 'must be a whole number between 100 and 999999999');
  }
  return value;
}

/**
 * A cluster node name (PVE `pve-node`): letters, digits, inner hyphens, at most 63 characters.
 *
 * @public
 */
export function assertPveNodeName(value: unknown, field = 'node'): string {
  const v = requireString(value, field, 63);
  if (!/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(v)) {
    fail(field, 'must be a node name (letters, digits, inner hyphens)');
  }
  return v;
}

/**
 * A snapshot name: a letter, then 1-39 letters, digits, `_` or `-` (PVE `pve-configid`, max 40).
 *
 * @public
 */
export function assertSnapshotName(value: unknown, field = 'snapname'): string {
  const v = requireString(value, field, 40);
  if (!/^[a-zA-Z][a-zA-Z0-9_-]{1,39}$/.test(v)) {
    fail(
      field,
      'must start with a letter followed by 1-39 letters, digits, "_" or "-"',
    );
  }
  if (v === 'current')
    fail(field, "must not be 'current' (reserved by Proxmox)");
  return v;
}

/**
 * A task id as PVE issues it: `UPID:node:PID:PSTART:STARTTIME:type:id:user:`.
 *
 * @public
 */
export function assertUpid(value: unknown, field = 'upid'): string {
  const v = requireString(value, field, 512);
  if (
    !/^UPID:[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:[a-z0-9]+:[^:\s]*:[^:\s]+:$/.test(
      v,
    )
  ) {
    fail(
      field,
      'must be a Proxmox task id (UPID:node:pid:pstart:starttime:type:id:user:)',
    );
  }
  return v;
}

/**
 * A resource pool id (PVE `pve-poolid`): letters, digits, `_`, `-`, `.`, at most 64.
 *
 * @public
 */
export function assertPoolId(value: unknown, field = 'pool'): string {
  const v = requireString(value, field, 64);
  if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(v) || v.includes('..')) {
    fail(field, 'may contain only letters, digits, "_", "-" and "." (no "..")');
  }
  return v;
}

/**
 * A storage id (PVE `pve-storage-id`), e.g. `local-lvm`.
 *
 * @public
 */
export function assertStorageId(value: unknown, field = 'storage'): string {
  const v = requireString(value, field, 64);
  if (!/^[a-z][a-z0-9_.-]*[a-z0-9]$/i.test(v) || v.includes('..')) {
    fail(
      field,
      'must be a storage id (a letter, then letters, digits, "-", "_", ".")',
    );
  }
  return v;
}

/**
 * A network bridge name such as `vmbr0`.
 *
 * @public
 */
export function assertBridgeName(value: unknown, field = 'bridge'): string {
  const v = requireString(value, field, 15);
  if (!/^[a-zA-Z][a-zA-Z0-9_.-]*$/.test(v))
    fail(field, 'must be a bridge name like vmbr0');
  return v;
}

/**
 * An OS template volume: `storage:vztmpl/file.tar.(gz|xz|zst)`.
 *
 * @public
 */
export function assertOsTemplate(value: unknown, field = 'ostemplate'): string {
  const v = requireString(value, field, 255);
  if (
    !/^[a-z][a-z0-9_.-]*:vztmpl\/[A-Za-z0-9][A-Za-z0-9._+-]*\.tar\.(gz|xz|zst)$/i.test(
      v,
    ) ||
    v.includes('..')
  ) {
    fail(
      field,
      'must be a template volume like local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
    );
  }
  return v;
}

/**
 * Proxmox tags: each lowercase `[a-z0-9_][a-z0-9_+.-]*`, at most 20 tags.
 *
 * @public
 */
export function assertPveTags(value: unknown, field = 'tags'): string[] {
  if (!Array.isArray(value) || value.length > 20)
    fail(field, 'must be a list of at most 20 tags');
  return value.map((t, i) => {
    const v = requireString(t, `${field}[${i}]`, 64);
    if (!/^[a-z0-9_][a-z0-9_+.-]*$/.test(v)) {
      fail(
        `${field}[${i}]`,
        'must be lowercase letters, digits, "_", "+", "-" or "." (not starting with "+-.")',
      );
    }
    return v;
  });
}

/**
 * Free text for a description: printable, no control characters except newlines, at most 8192.
 *
 * @public
 */
export function assertDescription(
  value: unknown,
  field = 'description',
): string {
  const v = requireString(value, field, 8192);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x09\x0b-\x1f\x7f]/.test(v))
    fail(field, 'must not contain control characters');
  return v;
}

/**
 * OpenSSH public keys, one per line (ssh-ed25519, ssh-rsa, ecdsa-sha2-*, sk-*).
 *
 * @public
 */
export function assertSshPublicKeys(
  value: unknown,
  field = 'sshPublicKeys',
): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 32)
    fail(field, 'must be a list of 1-32 keys');
  return value.map((k, i) => {
    const v = requireString(k, `${field}[${i}]`, 16384);
    if (
      !/^(ssh-(rsa|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( [A-Za-z0-9@._+-]{1,100})?$/.test(
        v,
      )
    ) {
      fail(
        `${field}[${i}]`,
        'must be one OpenSSH public key line "type base64 [comment]"',
      );
    }
    return v;
  });
}

/**
 * A whole number of GiB to add to a disk (PVE `+NG`); shrinking is not possible.
 *
 * @public
 */
export function assertGrowGiB(value: unknown, field = 'addGiB'): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > 16384
  ) {
    fail(
      field,
      'must be a whole number of GiB between 1 and 16384 (disks can only grow)',
    );
  }
  return value;
}

/**
 * A firewall address spec: IPv4/IPv6 address or CIDR, comma-separated, at most 512 characters.
 *
 * @public
 */
export function assertFirewallAddress(value: unknown, field: string): string {
  const v = requireString(value, field, 512);
  const ok = v.split(',').every(
    a =>
      (/^(\d{1,3}\.){3}\d{1,3}(\/(\d|[12]\d|3[0-2]))?$/.test(a) &&
        a
          .split('/')[0]
          .split('.')
          .every(o => Number(o) <= 255)) ||
      /^[0-9a-fA-F:]{2,39}(\/\d{1,3})?$/.test(a),
  );
  if (!ok) fail(field, 'must be IP addresses or CIDRs separated by commas');
  return v;
}

/**
 * A firewall port spec: ports or ranges `80`, `8000:8080`, comma-separated.
 *
 * @public
 */
export function assertFirewallPort(value: unknown, field: string): string {
  const v = requireString(value, field, 128);
  const ok = v.split(',').every(p => {
    const m = /^(\d{1,5})(?::(\d{1,5}))?$/.exec(p);
    return (
      !!m &&
      Number(m[1]) <= 65535 &&
      (m[2] === undefined || Number(m[2]) <= 65535)
    );
  });
  if (!ok)
    fail(field, 'must be ports (1-65535) or ranges a:b separated by commas');
  return v;
}
