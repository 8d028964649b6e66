import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import {
  pvePropertyStringErrors,
  pveNamedFormatError,
  toJsRegExpSource,
} from './proxmoxFormats';
import { contractPath } from './repoRoot';

/** One operation of the Proxmox contract (`paths[path][METHOD]` of the schema file). */
export interface PveOperation {
  method: string;
  name: string;
  parameters?: PveParam[];
  parametersAdditionalProperties?: number;
  returns: PveSchema;
}

/** A PVE JSON-schema fragment (Perl flavoured: `optional: 1`, string `minimum`, object `format`). */
export interface PveSchema {
  type?: string;
  optional?: number;
  properties?: Record<string, PveSchema>;
  items?: PveSchema;
  enum?: string[];
  pattern?: string;
  format?: string | Record<string, PveSchema>;
  minimum?: number | string;
  maximum?: number | string;
  minLength?: number;
  maxLength?: number;
  additionalProperties?: number | PveSchema;
  [key: string]: unknown;
}

/** A parameter: `{name, ...schema}`. */
export interface PveParam extends PveSchema {
  name: string;
}

/** Default location: `<repo>/contracts/proxmox-ve-lxc-api.schema.json`. */
export function defaultProxmoxContractPath(): string {
  return contractPath('proxmox-ve-lxc-api.schema.json');
}

// PVE's own response quirk: values are Perl scalars, and GET /cluster/nextid answers the id
// as a string although its schema says integer (documented in shared/notes/external-apis.md).
const NUMERIC_STRING_RESPONSES = new Set(['GET /cluster/nextid']);
// And CT/interfaces answers null for a stopped CT although `returns` says array (same notes).
const NULLABLE_RESPONSES = new Set(['GET /nodes/{node}/lxc/{vmid}/interfaces']);

/**
 * The Proxmox VE API contract (pve-docs apidata.js subset), turned into validators: responses
 * (`returns`, the `data` member) with ajv, requests (path + query/body parameters, all as the
 * strings that travel on the wire) against the operation's parameter list.
 */
export class ProxmoxContract {
  private readonly ajv: Ajv;
  private readonly responseValidators = new Map<string, ValidateFunction>();
  private readonly requestValidators = new Map<string, ValidateFunction>();
  private readonly templates: Array<{
    template: string;
    regex: RegExp;
    names: string[];
  }>;

  private constructor(
    readonly paths: Record<string, Record<string, PveOperation>>,
  ) {
    this.ajv = new Ajv({
      allErrors: true,
      strict: false,
      unicodeRegExp: false,
    });
    addFormats(this.ajv);
    this.ajv.addKeyword({
      keyword: 'x-pve-propstring',
      errors: true,
      validate: function validate(
        format: Record<string, PveSchema>,
        data: unknown,
      ) {
        const errs =
          typeof data === 'string' ? pvePropertyStringErrors(format, data) : [];
        (validate as any).errors = errs.map(message => ({
          keyword: 'x-pve-propstring',
          message,
          params: {},
        }));
        return errs.length === 0;
      },
    });
    this.ajv.addKeyword({
      keyword: 'x-pve-format',
      errors: true,
      validate: function validate(format: string, data: unknown) {
        const err =
          typeof data === 'string'
            ? pveNamedFormatError(format, data)
            : undefined;
        (validate as any).errors = err
          ? [{ keyword: 'x-pve-format', message: err, params: {} }]
          : [];
        return !err;
      },
    });
    this.templates = Object.keys(paths)
      .map(template => {
        const names: string[] = [];
        const source = template
          .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
          .replace(/\{(\w+)\}/g, (_m, n) => {
            names.push(n);
            return '([^/]+)';
          });
        return { template, names, regex: new RegExp(`^${source}$`) };
      })
      // literal segments win over placeholders (e.g. /snapshot/{snapname}/config vs /snapshot/{snapname})
      .sort((a, b) => a.names.length - b.names.length);
  }

  /** Loads the contract file (default: the repository's contracts folder). */
  static load(file: string = defaultProxmoxContractPath()): ProxmoxContract {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    return new ProxmoxContract(doc.paths);
  }

  /** The operation, or throws when the contract does not have it. */
  operation(method: string, template: string): PveOperation {
    const op = this.paths[template]?.[method.toUpperCase()];
    if (!op)
      throw new Error(
        `operation ${method} ${template} is not in the Proxmox contract`,
      );
    return op;
  }

  /** Matches a concrete path (relative to `/api2/json`) to a contract template and its path parameters. */
  match(
    method: string,
    concretePath: string,
  ): { template: string; pathParams: Record<string, string> } | undefined {
    for (const t of this.templates) {
      const m = t.regex.exec(concretePath);
      if (!m || !this.paths[t.template][method.toUpperCase()]) continue;
      const pathParams: Record<string, string> = {};
      t.names.forEach((n, i) => {
        pathParams[n] = decodeURIComponent(m[i + 1]);
      });
      return { template: t.template, pathParams };
    }
    return undefined;
  }

  /** Errors of a response's `data` against the operation's `returns`; empty when valid. */
  validateResponse(method: string, template: string, data: unknown): string[] {
    const key = `${method.toUpperCase()} ${template}`;
    let validate = this.responseValidators.get(key);
    if (!validate) {
      const schema = toJsonSchema(
        this.operation(method, template).returns,
        'response',
      );
      if (NUMERIC_STRING_RESPONSES.has(key)) {
        validate = this.ajv.compile({
          anyOf: [schema, { type: 'string', pattern: '^[1-9][0-9]*$' }],
        });
      } else if (NULLABLE_RESPONSES.has(key)) {
        validate = this.ajv.compile({ anyOf: [schema, { type: 'null' }] });
      } else validate = this.ajv.compile(schema);
      this.responseValidators.set(key, validate);
    }
    return validate(data) ? [] : formatErrors(validate);
  }

  /**
   * Errors of a request: every parameter exists in the operation, the required ones are present,
   * and every value (a wire string) matches its type, enum, range, pattern and format.
   * Booleans must be sent as `0`/`1`.
   */
  validateRequest(
    method: string,
    template: string,
    params: Record<string, string>,
  ): string[] {
    const key = `${method.toUpperCase()} ${template}`;
    const op = this.operation(method, template);
    let validate = this.requestValidators.get(key);
    if (!validate) {
      validate = this.ajv.compile(paramsToJsonSchema(op));
      this.requestValidators.set(key, validate);
    }
    const typed: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(params)) {
      const spec = (op.parameters ?? []).find(p =>
        paramNameRegex(p.name).test(name),
      );
      typed[name] = coerceWireValue(spec?.type, value);
    }
    return validate(typed) ? [] : formatErrors(validate);
  }
}

function paramNameRegex(name: string): RegExp {
  return new RegExp(`^${name.replace('[n]', '\\d+')}$`);
}

function coerceWireValue(type: string | undefined, value: string): unknown {
  if (type === 'integer' && /^[+-]?\d+$/.test(value)) return Number(value);
  if (
    type === 'number' &&
    /^[+-]?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?$/.test(value)
  )
    return Number(value);
  if (type === 'boolean' && (value === '0' || value === '1'))
    return Number(value);
  return value;
}

function formatErrors(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map(
    e => `${e.instancePath || '/'} ${e.message}`,
  );
}

function num(v: number | string | undefined): number | undefined {
  return v === undefined ? undefined : Number(v);
}

function paramsToJsonSchema(op: PveOperation): object {
  const properties: Record<string, object> = {};
  const patternProperties: Record<string, object> = {};
  const required: string[] = [];
  for (const p of op.parameters ?? []) {
    const { name, ...schema } = p;
    const converted = toJsonSchema(schema, 'request');
    if (name.includes('[n]'))
      patternProperties[paramNameRegex(name).source] = converted;
    else properties[name] = converted;
    if (!p.optional && !name.includes('[n]')) required.push(name);
  }
  return {
    type: 'object',
    properties,
    patternProperties,
    required,
    additionalProperties:
      op.parametersAdditionalProperties === 0 ? false : true,
  };
}

/** Converts a PVE schema fragment to JSON Schema for ajv. */
export function toJsonSchema(
  s: PveSchema | undefined,
  side: 'request' | 'response',
): Record<string, unknown> {
  if (!s) return {};
  const out: Record<string, unknown> = {};
  switch (s.type) {
    case 'boolean':
      // PVE answers booleans as 0/1 (Perl), sometimes as JSON true/false; requests carry 0/1 only
      return side === 'response'
        ? { anyOf: [{ type: 'boolean' }, { enum: [0, 1] }] }
        : { enum: [0, 1] };
    case 'integer':
    case 'number':
      out.type = s.type;
      if (s.minimum !== undefined) out.minimum = num(s.minimum);
      if (s.maximum !== undefined) out.maximum = num(s.maximum);
      break;
    case 'string':
      out.type = 'string';
      if (s.minLength !== undefined) out.minLength = s.minLength;
      if (s.maxLength !== undefined) out.maxLength = s.maxLength;
      if (s.pattern) out.pattern = `^(?:${toJsRegExpSource(s.pattern)})$`;
      if (typeof s.format === 'object') out['x-pve-propstring'] = s.format;
      else if (typeof s.format === 'string') out['x-pve-format'] = s.format;
      break;
    case 'null':
      out.type = 'null';
      break;
    case 'array':
      out.type = 'array';
      if (s.items) out.items = toJsonSchema(s.items, side);
      break;
    case 'object': {
      out.type = 'object';
      const properties: Record<string, unknown> = {};
      const patternProperties: Record<string, unknown> = {};
      const required: string[] = [];
      for (const [name, sub] of Object.entries(s.properties ?? {})) {
        if (name.includes('[n]'))
          patternProperties[paramNameRegex(name).source] = toJsonSchema(
            sub,
            side,
          );
        else {
          properties[name] = toJsonSchema(sub, side);
          if (!sub.optional) required.push(name);
        }
      }
      out.properties = properties;
      out.patternProperties = patternProperties;
      out.required = required;
      if (s.additionalProperties === 0) out.additionalProperties = false;
      break;
    }
    default:
      break;
  }
  if (s.enum) out.enum = s.enum;
  return out;
}
