import { PveError } from './pveHttp';

/** One parameter as the simulator verifies it (mirrors PVE::JSONSchema's checks and messages). */
export interface ParamSpec {
  type: 'integer' | 'number' | 'boolean' | 'string';
  optional?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  enum?: string[];
  pattern?: RegExp;
  /** Returns an error message for a bad value (PVE's format verifiers). */
  format?: (v: string) => string | undefined;
}

/** Verified, typed parameters: integers/numbers as numbers, booleans as 0/1. */
export type Params = Record<string, string | number>;

const NODE_RE = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const DNS_RE =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)\.)*(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)$/;
const CONFIGID_RE = /^[a-z][a-z0-9_-]+$/i;

export const P = {
  node: {
    type: 'string',
    format: v =>
      NODE_RE.test(v)
        ? undefined
        : `value '${v}' does not look like a valid node name`,
  },
  vmid: { type: 'integer', min: 100, max: 999999999 },
  dnsName: {
    type: 'string',
    maxLength: 255,
    optional: true,
    format: v =>
      DNS_RE.test(v)
        ? undefined
        : `value '${v}' does not look like a valid DNS name`,
  },
  snapname: {
    type: 'string',
    maxLength: 40,
    format: v =>
      CONFIGID_RE.test(v) ? undefined : `invalid configuration ID '${v}'`,
  },
  bool: { type: 'boolean', optional: true },
  optString: { type: 'string', optional: true },
  digest: { type: 'string', optional: true, maxLength: 64 },
  tags: {
    type: 'string',
    optional: true,
    format: v =>
      v
        .split(/[;, ]+/)
        .filter(Boolean)
        .every(t => /^[a-z0-9_][a-z0-9_\-+.]*$/i.test(t))
        ? undefined
        : `invalid tag list '${v}'`,
  },
  propString: (keys: string[], defaultKey?: string): ParamSpec => ({
    type: 'string',
    optional: true,
    format: v => {
      for (const part of v.split(',')) {
        const key = part.includes('=')
          ? part.slice(0, part.indexOf('='))
          : defaultKey;
        if (!key || !keys.includes(key))
          return `invalid format - property '${part}' is not defined in schema`;
        if (/[\s'"`]/.test(part))
          return `invalid format - value '${part}' contains invalid characters`;
      }
      return undefined;
    },
  }),
} satisfies Record<string, ParamSpec | ((...a: any[]) => ParamSpec)>;

/**
 * Verifies raw wire parameters against a spec. Throws the 400 PVE answers
 * (`Parameter verification failed.` + one message per field); returns typed values.
 */
export function verifyParams(
  raw: Record<string, string>,
  spec: Record<string, ParamSpec>,
  indexed: Record<string, ParamSpec> = {},
): Params {
  const errors: Record<string, string> = {};
  const out: Params = {};
  for (const [name, value] of Object.entries(raw)) {
    const prefix = /^([a-z]+)\d+$/.exec(name)?.[1];
    const s = spec[name] ?? (prefix ? indexed[prefix] : undefined);
    if (!s) {
      errors[name] =
        'property is not defined in schema and the schema does not allow additional properties';
      continue;
    }
    const err = checkValue(s, value);
    if (err) errors[name] = err;
    else if (s.type === 'integer' || s.type === 'number')
      out[name] = Number(value);
    else if (s.type === 'boolean')
      out[name] = /^(1|true|yes|on)$/i.test(value) ? 1 : 0;
    else out[name] = value;
  }
  for (const [name, s] of Object.entries(spec)) {
    if (!s.optional && !(name in raw) && !errors[name])
      errors[name] = 'property is missing and it is not optional';
  }
  if (Object.keys(errors).length) throw PveError.params(errors);
  return out;
}

function checkValue(s: ParamSpec, v: string): string | undefined {
  if (s.type === 'integer' && !/^[+-]?\d+$/.test(v))
    return `type check ('integer') failed - got '${v}'`;
  if (s.type === 'number' && !/^[+-]?(\d+(\.\d+)?|\.\d+)$/.test(v))
    return `type check ('number') failed - got '${v}'`;
  if (s.type === 'boolean' && !/^(0|1|true|false|yes|no|on|off)$/i.test(v)) {
    return `type check ('boolean') failed - got '${v}'`;
  }
  if (s.min !== undefined && Number(v) < s.min)
    return `value must have a minimum value of ${s.min}`;
  if (s.max !== undefined && Number(v) > s.max)
    return `value must have a maximum value of ${s.max}`;
  if (s.maxLength !== undefined && v.length > s.maxLength)
    return `value may only be ${s.maxLength} characters long`;
  if (s.enum && !s.enum.includes(v))
    return `value '${v}' does not have a value in the enumeration '${s.enum.join(
      ', ',
    )}'`;
  if (s.pattern && !s.pattern.test(v))
    return 'value does not match the regex pattern';
  return s.format?.(v);
}
