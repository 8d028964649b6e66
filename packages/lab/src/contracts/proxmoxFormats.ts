import type { PveSchema } from './ProxmoxContract';

/**
 * Rewrites a Perl regex from the PVE schema for JavaScript: stringified `qr//` groups `(?^:...)`
 * (and `(?^i:...)`) become plain groups; `\z` / `\Z` become `$`. The caller anchors it, as PVE
 * applies patterns as `m/^$pattern$/`.
 */
export function toJsRegExpSource(perl: string): string {
  return perl
    .replace(/\(\?\^[a-z]*:/g, '(?:')
    .replace(/\\[zZ]/g, '$')
    .replace(/\\A/g, '^');
}

// Named formats of PVE::JSONSchema that matter for the LXC workflow (pve-common JSONSchema.pm).
const NAMED_FORMATS: Record<string, (v: string) => boolean> = {
  'pve-node': v => /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(v),
  'pve-vmid': v => /^[1-9][0-9]{2,8}$/.test(v),
  'dns-name': v =>
    /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)\.)*(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)$/.test(
      v,
    ),
  'pve-configid': v => /^[a-z][a-z0-9_-]+$/i.test(v),
  'pve-configid-list': v =>
    v.split(/[,; ]+/).every(id => /^[a-z][a-z0-9_-]+$/i.test(id)),
  'pve-poolid': v => /^[A-Za-z0-9_.-]+$/.test(v),
  'pve-storage-id': v => /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(v),
  'pve-tag-list': v =>
    v
      .split(/[;, ]+/)
      .filter(Boolean)
      .every(t => /^[a-z0-9_][a-z0-9_\-+.]*$/i.test(t)),
  ipv4: v =>
    /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(
      v,
    ),
  'mac-addr': v => /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(v),
  'pve-ipv4-config': v =>
    v === 'dhcp' ||
    v === 'manual' ||
    /^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/.test(v),
  'disk-size': v => /^\d+(\.\d+)?[KMGT]?$/.test(v),
  'pve-lxc-mp-string': v => /^[^,;=\s'"`\\]+$/.test(v),
};

/** An error message when `value` breaks a named PVE format we know; unknown formats pass. */
export function pveNamedFormatError(
  format: string,
  value: string,
): string | undefined {
  const check = NAMED_FORMATS[format];
  if (!check || check(value)) return undefined;
  return `value does not match format '${format}'`;
}

function valueErrors(key: string, spec: PveSchema, value: string): string[] {
  const errs: string[] = [];
  if (
    spec.type === 'boolean' &&
    !/^(0|1|true|false|yes|no|on|off)$/i.test(value)
  ) {
    errs.push(`${key}: type check ('boolean') failed - got '${value}'`);
  } else if (spec.type === 'integer' && !/^[+-]?\d+$/.test(value)) {
    errs.push(`${key}: type check ('integer') failed - got '${value}'`);
  } else if (spec.type === 'number' && Number.isNaN(Number(value))) {
    errs.push(`${key}: type check ('number') failed - got '${value}'`);
  }
  if (
    (spec.type === 'integer' || spec.type === 'number') &&
    !Number.isNaN(Number(value))
  ) {
    if (spec.minimum !== undefined && Number(value) < Number(spec.minimum))
      errs.push(`${key}: below minimum`);
    if (spec.maximum !== undefined && Number(value) > Number(spec.maximum))
      errs.push(`${key}: above maximum`);
  }
  if (spec.enum && !spec.enum.includes(value))
    errs.push(`${key}: '${value}' not in enum`);
  if (
    spec.pattern &&
    !new RegExp(`^(?:${toJsRegExpSource(spec.pattern)})$`).test(value)
  ) {
    errs.push(`${key}: value does not match the regex pattern`);
  }
  if (typeof spec.format === 'string') {
    const e = pveNamedFormatError(spec.format, value);
    if (e) errs.push(`${key}: ${e}`);
  }
  return errs;
}

/**
 * Errors of a PVE property string (`key=value,key=value`, with an optional `default_key` value
 * given bare) against its format description; empty when valid.
 */
export function pvePropertyStringErrors(
  format: Record<string, PveSchema>,
  value: string,
): string[] {
  const errs: string[] = [];
  const seen = new Set<string>();
  const defaultKey = Object.entries(format).find(([, s]) => s.default_key)?.[0];
  for (const part of value.split(',')) {
    if (part === '') {
      errs.push('empty element in property string');
      continue;
    }
    const eq = part.indexOf('=');
    let key: string;
    let val: string;
    if (eq < 0) {
      if (!defaultKey) {
        errs.push(`value without key: '${part}'`);
        continue;
      }
      key = defaultKey;
      val = part;
    } else {
      key = part.slice(0, eq);
      val = part.slice(eq + 1);
    }
    const spec = format[key];
    if (!spec) {
      errs.push(`${key}: property is not defined in schema`);
      continue;
    }
    if (seen.has(key)) errs.push(`${key}: duplicate key in property string`);
    seen.add(key);
    errs.push(...valueErrors(key, spec, val));
  }
  for (const [key, spec] of Object.entries(format)) {
    if (!spec.optional && !seen.has(key))
      errs.push(`${key}: property is missing and it is not optional`);
  }
  return errs;
}
