import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import { contractPath } from './repoRoot';

/**
 * Rewrites OpenAPI 3.0 / Swagger 2.0 schema dialect into JSON Schema that Ajv understands:
 * `nullable` becomes `anyOf [..., null]`, boolean `exclusiveMinimum/Maximum` become numbers,
 * `x-nullable` (Swagger) is honoured. Copies; never edits the contract file.
 */
function toJsonSchema(node: unknown, goNullable = false): unknown {
  if (Array.isArray(node)) return node.map(n => toJsonSchema(n, goNullable));
  if (!node || typeof node !== 'object') return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src))
    out[k] = toJsonSchema(v, goNullable);
  if (
    goNullable &&
    out.properties &&
    typeof out.properties === 'object' &&
    out.type === 'object'
  ) {
    // Go renders nil slices, maps and pointers as null; swag cannot say so in Swagger 2.0.
    const props = out.properties as Record<string, unknown>;
    for (const [k, v] of Object.entries(props))
      props[k] = { anyOf: [v, { type: 'null' }] };
  }
  if (out.exclusiveMaximum === true && typeof out.maximum === 'number') {
    out.exclusiveMaximum = out.maximum;
    delete out.maximum;
  } else if (out.exclusiveMaximum === false) delete out.exclusiveMaximum;
  if (out.exclusiveMinimum === true && typeof out.minimum === 'number') {
    out.exclusiveMinimum = out.minimum;
    delete out.minimum;
  } else if (out.exclusiveMinimum === false) delete out.exclusiveMinimum;
  if (out.nullable === true || out['x-nullable'] === true) {
    delete out.nullable;
    delete out['x-nullable'];
    if (Array.isArray(out.enum)) out.enum = out.enum.filter(e => e !== null);
    return { anyOf: [out, { type: 'null' }] };
  }
  delete out.nullable;
  return out;
}

/** Validates values against the named schemas of one contract document. */
export class ContractValidator {
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();
  /** Where named schemas live: Swagger 2.0 `definitions`, OpenAPI 3 `components/schemas`. */
  private readonly schemasAt: string;

  /**
   * @param file - contract file name in the repository's contracts folder
   * @param overrides - documented deviations: JSON pointer inside the document -> replacement schema
   * @param options - `goNullable`: every object property may be null (Go nil values; Swagger 2.0 contracts)
   */
  constructor(
    file: string,
    overrides: Record<string, unknown> = {},
    options: { goNullable?: boolean } = {},
  ) {
    const doc = JSON.parse(fs.readFileSync(contractPath(file), 'utf8'));
    this.schemasAt = doc.swagger ? 'definitions' : 'components/schemas';
    for (const [pointer, schema] of Object.entries(overrides)) {
      const keys = pointer.replace(/^#\//, '').split('/');
      let at = doc;
      for (const k of keys.slice(0, -1)) at = at[k];
      at[keys[keys.length - 1]] = schema;
    }
    const converted = toJsonSchema(
      {
        $id: 'contract',
        definitions: doc.definitions ?? {},
        components: doc.components ?? {},
        paths: doc.paths ?? {},
      },
      options.goNullable,
    ) as Record<string, unknown>;
    this.ajv = new Ajv({
      strict: false,
      allErrors: true,
      validateFormats: true,
    });
    addFormats(this.ajv);
    this.ajv
      .addFormat('int64', true)
      .addFormat('int32', true)
      .addFormat('double', true);
    this.ajv.addSchema(converted);
  }

  /** Validates `value` against `#/components/schemas/<name>` (OpenAPI) or `#/definitions/<name>` (Swagger). */
  validate(name: string, value: unknown): string[] {
    const ref = name.startsWith('#') ? name : `#/${this.schemasAt}/${name}`;
    let fn = this.cache.get(ref);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `contract${ref}` });
      this.cache.set(ref, fn);
    }
    return fn(value)
      ? []
      : (fn.errors ?? []).map(
          e =>
            `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
        );
  }
}
