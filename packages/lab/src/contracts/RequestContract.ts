import fs from 'node:fs';
import { contractPath } from './repoRoot';

type Schema = Record<string, any>;

/** One operation of a contract, reduced to what a request check needs. */
export interface ContractOperation {
  /** The contract's path template, e.g. `/endpoints/{id}`. */
  template: string;
  /** Query parameter names the operation declares. */
  query: Set<string>;
  /** Form field names (Swagger `in: formData`). */
  form: Set<string>;
  /** Name of the request body schema, when the operation has a JSON body. */
  bodyName?: string;
  /** The request body schema (the single-object form of a bulk-capable body), `$ref`s not yet resolved. */
  body?: Schema;
}

/** One finding of {@link RequestContract.checkBody} / {@link RequestContract.checkQuery}. */
export interface RequestProblem {
  /** The field or parameter named as the client sent it. */
  field: string;
  kind: 'unknown' | 'type';
  /** For `type`: the JSON type the contract expects (`integer`, `string`, ..., or `enum`). */
  expected?: string;
  /** For `type` on an enum: the allowed values. */
  allowed?: unknown[];
}

/** Where a request lands in a contract: no path, a path without that method, or an operation. */
export type ContractMatch =
  | { kind: 'no-path' }
  | { kind: 'no-method'; template: string; allowed: string[] }
  | { kind: 'operation'; op: ContractOperation };

/**
 * The request side of a pinned OpenAPI 3 / Swagger 2.0 contract (repository `contracts/` folder):
 * which paths and methods exist, which query parameters and top-level body fields each operation
 * declares and with which JSON types. The simulators answer requests outside it as the real system does.
 */
export class RequestContract {
  private readonly ops = new Map<string, Map<string, ContractOperation>>();
  private readonly templates: Array<{ re: RegExp; template: string }> = [];
  private readonly doc: Schema;

  /**
   * @param file - contract file name in the repository's contracts folder
   * @param options - `caseInsensitive`: body field names match regardless of case (Go's encoding/json);
   *   `accepts`: whether a value fits a field's types and enum as the real server decodes it (default {@link goAccepts})
   */
  constructor(
    file: string,
    private readonly options: {
      caseInsensitive?: boolean;
      accepts?: (types: Set<string>, value: unknown, allowed?: unknown[]) => boolean;
    } = {},
  ) {
    this.doc = JSON.parse(fs.readFileSync(contractPath(file), 'utf8'));
    for (const [template, methods] of Object.entries<Schema>(this.doc.paths)) {
      const byMethod = new Map<string, ContractOperation>();
      for (const [method, op] of Object.entries<Schema>(methods)) {
        if (method === 'parameters') continue;
        byMethod.set(method.toUpperCase(), this.operation(template, op));
      }
      this.ops.set(template, byMethod);
      const re = template
        .split(/\{[^}]+\}/)
        .map(s => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
        .join('[^/]+');
      this.templates.push({ re: new RegExp(`^${re}$`), template });
    }
    // literal segments win over placeholders (`/endpoints/snapshot` before `/endpoints/{id}`)
    this.templates.sort(
      (a, b) =>
        (a.template.match(/\{/g)?.length ?? 0) -
        (b.template.match(/\{/g)?.length ?? 0),
    );
  }

  /** Finds the operation for a method and a path relative to the contract's paths (no query). */
  match(method: string, path: string): ContractMatch {
    const hit = this.templates.find(t => t.re.test(path));
    if (!hit) return { kind: 'no-path' };
    const byMethod = this.ops.get(hit.template)!;
    const op = byMethod.get(method.toUpperCase());
    if (!op)
      return {
        kind: 'no-method',
        template: hit.template,
        allowed: [...byMethod.keys()],
      };
    return { kind: 'operation', op };
  }

  /** Query parameters the operation does not declare (`extra` names a documented dynamic family). */
  checkQuery(
    op: ContractOperation,
    names: Iterable<string>,
    extra: (name: string) => boolean = () => false,
  ): RequestProblem[] {
    const out: RequestProblem[] = [];
    for (const n of new Set(names))
      if (!op.query.has(n) && !extra(n)) out.push({ field: n, kind: 'unknown' });
    return out;
  }

  /** Form fields the operation does not declare. */
  checkForm(op: ContractOperation, names: Iterable<string>): RequestProblem[] {
    return [...new Set(names)]
      .filter(n => !op.form.has(n))
      .map(n => ({ field: n, kind: 'unknown' as const }));
  }

  /**
   * Top-level fields of a JSON body the operation's schema does not declare, and fields whose JSON
   * type it does not allow. Deeper levels are left to the simulators' own validation.
   */
  checkBody(op: ContractOperation, body: Record<string, unknown>): RequestProblem[] {
    if (!op.body) return [];
    const props = this.properties(op.body);
    const key = (k: string) => (this.options.caseInsensitive ? k.toLowerCase() : k);
    const byKey = new Map(Object.entries(props).map(([k, v]) => [key(k), v]));
    const out: RequestProblem[] = [];
    for (const [field, value] of Object.entries(body)) {
      const schema = byKey.get(key(field));
      if (!schema) {
        out.push({ field, kind: 'unknown' });
        continue;
      }
      const bad = this.typeProblem(schema, value);
      if (bad) out.push({ field, kind: 'type', ...bad });
    }
    return out;
  }

  private operation(template: string, op: Schema): ContractOperation {
    const params: Schema[] = (op.parameters ?? []).map((p: Schema) =>
      this.resolve(p),
    );
    const out: ContractOperation = {
      template,
      query: new Set(params.filter(p => p.in === 'query').map(p => p.name)),
      form: new Set(params.filter(p => p.in === 'formData').map(p => p.name)),
    };
    let body: Schema | undefined =
      op.requestBody?.content?.['application/json']?.schema ??
      params.find(p => p.in === 'body')?.schema;
    // a bulk-capable create takes an object or a list: the object form is the one checked
    if (body?.oneOf) body = body.oneOf.find((s: Schema) => s.type !== 'array');
    if (body?.$ref) out.bodyName = String(body.$ref).split('/').pop();
    if (body && body.type !== 'array') out.body = body;
    return out;
  }

  private resolve(s: Schema): Schema {
    let at = s;
    for (let i = 0; at?.$ref && i < 10; i++) {
      const keys = String(at.$ref).replace(/^#\//, '').split('/');
      at = keys.reduce((o: Schema, k) => o?.[k], this.doc);
    }
    return at;
  }

  private properties(s: Schema): Record<string, Schema> {
    const r = this.resolve(s);
    const out: Record<string, Schema> = { ...(r.properties ?? {}) };
    for (const part of r.allOf ?? []) Object.assign(out, this.properties(part));
    return out;
  }

  /** The JSON types a schema allows at its top level (`undefined`: anything). */
  private types(s: Schema): Set<string> | undefined {
    const r = this.resolve(s);
    const alts: Schema[] | undefined = r.oneOf ?? r.anyOf;
    let out: Set<string> | undefined;
    if (alts) {
      const all = new Set<string>();
      for (const a of alts) {
        const t = this.types(a);
        if (!t) return undefined;
        for (const x of t) all.add(x);
      }
      out = all;
    } else if (r.allOf) {
      return this.types(r.allOf[0]);
    } else if (r.type) {
      out = new Set([r.type]);
    } else if (r.properties || r.additionalProperties) {
      out = new Set(['object']);
    } else return undefined;
    if (r.nullable || r['x-nullable']) out.add('null');
    return out;
  }

  private typeProblem(
    s: Schema,
    value: unknown,
  ): { expected: string; allowed?: unknown[] } | undefined {
    const types = this.types(s);
    if (!types) return undefined;
    const r = this.resolve(s);
    const allowed = Array.isArray(r.enum) ? r.enum : undefined;
    const accepts = this.options.accepts ?? goAccepts;
    if (accepts(types, value, allowed)) return undefined;
    const expected = allowed
      ? 'enum'
      : ([...types].filter(t => t !== 'null')[0] ?? 'null');
    return { expected, allowed };
  }
}

/**
 * Whether a value fits the schema's top-level types and enum, as Go's encoding/json decodes it:
 * exact JSON types (an integer also fits a number), and null fits anything (the zero value).
 */
export function goAccepts(
  types: Set<string>,
  value: unknown,
  allowed?: unknown[],
): boolean {
  if (value === null) return true;
  const actual = jsonType(value);
  if (!types.has(actual) && !(actual === 'integer' && types.has('number')))
    return false;
  return !allowed || allowed.includes(value);
}

/** The JSON Schema type of a parsed JSON value. */
export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/**
 * What a simulator does with a query parameter or body field the contract does not declare, which
 * NetBox and Portainer silently ignore: `reject` (default) answers 400 so the drifting client fails
 * in any test; `ignore` answers exactly as the real system. Both record it in `contractDrift`.
 */
export type UnknownInputPolicy = 'reject' | 'ignore';

/** One request a simulator received that strays from the contract. */
export interface ContractDrift {
  method: string;
  /** Path with query, as received. */
  path: string;
  /** The field or parameter. */
  field: string;
  problem: string;
}
