import { fail, requireString } from './primitives';

// Every check here runs before a value reaches a URL, a filter, a rule, a shell command or a
// file name. Each throws InputError naming the field and the rule, so nothing is sent.

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A single DNS label: lowercase letters, digits, inner hyphens, 1-63 characters.
 *
 * @public
 */
export function assertDnsLabel(value: unknown, field: string): string {
  const v = requireString(value, field, 63);
  if (!DNS_LABEL.test(v)) {
    fail(
      field,
      'must be a DNS label (lowercase letters, digits, inner hyphens)',
    );
  }
  return v;
}

/**
 * A host name of dot-separated DNS labels (e.g. `docker.example.com`), at most 253 characters.
 *
 * @public
 */
export function assertHostname(value: unknown, field: string): string {
  const v = requireString(value, field, 253);
  if (!v.split('.').every(label => DNS_LABEL.test(label))) {
    fail(
      field,
      'must be a host name of lowercase DNS labels separated by dots',
    );
  }
  return v;
}

/**
 * An IPv4 address in dotted-quad form.
 *
 * @public
 */
export function assertIpv4(value: unknown, field: string): string {
  const v = requireString(value, field, 15);
  const parts = v.split('.');
  if (
    parts.length !== 4 ||
    !parts.every(p => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)
  ) {
    fail(field, 'must be an IPv4 address');
  }
  return v;
}

/**
 * A URL path prefix such as `/api` or `/api/v1`: segments of [A-Za-z0-9._~-], no `..`.
 *
 * @public
 */
export function assertPathPrefix(value: unknown, field: string): string {
  const v = requireString(value, field, 200);
  if (
    !/^(\/[A-Za-z0-9._~-]+)+\/?$/.test(v) ||
    v.split('/').some(s => s === '..' || s === '.')
  ) {
    fail(
      field,
      'must be a path like /api made of letters, digits and . _ ~ - (no "..")',
    );
  }
  return v;
}

/**
 * A name used as an identifier or file name: letters, digits, `-` and `_`, starting with a letter or digit.
 *
 * @public
 */
export function assertSafeName(
  value: unknown,
  field: string,
  maxLength = 64,
): string {
  const v = requireString(value, field, maxLength);
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(v)) {
    fail(
      field,
      'may contain only letters, digits, "-" and "_", starting with a letter or digit',
    );
  }
  return v;
}

/**
 * A positive whole number within bounds (e.g. a Proxmox vmid 100..999999999).
 *
 * @public
 */
export function assertInteger(
  value: unknown,
  field: string,
  min: number,
  max: number,
): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < min ||
    value > max
  ) {
    fail(field, `must be a whole number between ${min} and ${max}`);
  }
  return value;
}
