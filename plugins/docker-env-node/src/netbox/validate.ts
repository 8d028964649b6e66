import {
  fail,
  requireObjectName,
  requireString,
} from '../validation/primitives';
import { assertHostname, assertInteger, assertIpv4 } from '../validation';

// NetBox-specific input checks, run before any request. Each throws InputError "field: rule".

/** An object name (VM, cluster, tag): ASCII letters, digits, `.`, `_`, `-`; no `..`. */
export function assertObjectName(
  value: unknown,
  field: string,
  max: number,
): string {
  return requireObjectName(value, field, max);
}

/** A NetBox slug: lowercase letters, digits, `_`, `-`. */
export function assertSlug(value: unknown, field: string): string {
  const v = requireString(value, field, 100);
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(v)) {
    fail(field, 'must be a slug of lowercase letters, digits, "_" and "-"');
  }
  return v;
}

/** A custom field name: `^[a-z0-9_]+$`, no double underscore, at most 50 characters. */
export function assertCustomFieldName(value: unknown, field: string): string {
  const v = requireString(value, field, 50);
  if (!/^[a-z0-9_]+$/.test(v) || v.includes('__')) {
    fail(field, 'must match ^[a-z0-9_]+$ without "__"');
  }
  return v;
}

/** Free text sent in a JSON body (comments, descriptions): no control characters except newline and tab. */
export function assertText(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') fail(field, 'must be a string');
  if (value.length > max) fail(field, `must be at most ${max} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)) {
    fail(field, 'must not contain control characters');
  }
  return value;
}

/** A value for a custom field: string (single line), number or boolean, or null. */
export function assertCustomValue(
  value: unknown,
  field: string,
): string | number | boolean | null {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(field, 'must be a finite number');
    return value;
  }
  const v = assertText(value, field, 1000);
  if (v.includes('\n') || v.includes('\t'))
    fail(field, 'must be a single line');
  return v;
}

/** A NetBox object id. */
export function assertId(value: unknown, field: string): number {
  return assertInteger(value, field, 1, 2147483647);
}

/** An IPv4 address with prefix length, e.g. `10.0.0.5/24`. */
export function assertIpv4Cidr(value: unknown, field: string): string {
  const v = requireString(value, field, 18);
  const [ip, prefix, ...rest] = v.split('/');
  if (
    rest.length ||
    prefix === undefined ||
    !/^(\d|[12]\d|3[0-2])$/.test(prefix)
  ) {
    fail(
      field,
      'must be an IPv4 address with a prefix length, e.g. 10.0.0.5/24',
    );
  }
  assertIpv4(ip, field);
  return v;
}

/** A DNS name for an IP address. */
export function assertDnsName(value: unknown, field: string): string {
  return assertHostname(value, field);
}

/** vCPUs: 0.01 to 9999.99. */
export function assertVcpus(value: unknown, field: string): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0.01 ||
    value >= 10000
  ) {
    fail(field, 'must be a number between 0.01 and 9999.99');
  }
  return value;
}

/** A tag colour: six lowercase hex digits. */
export function assertColor(value: unknown, field: string): string {
  const v = requireString(value, field, 6);
  if (!/^[0-9a-f]{6}$/.test(v)) fail(field, 'must be six lowercase hex digits');
  return v;
}
