import type express from 'express';
import { send } from './http';
import {
  ContractDrift,
  jsonType,
  NETBOX_CONTRACT_FILE,
  RequestContract,
  RequestProblem,
  UnknownInputPolicy,
} from '../contracts';

/** Query parameters every NetBox 4.5 list takes beyond the contract's filters (`cf_*` are per custom field). */
const FRAMEWORK_PARAMS = new Set(['brief', 'fields', 'omit', 'exclude']);
const PY_TYPE: Record<string, string> = {
  string: 'str',
  integer: 'int',
  number: 'float',
  boolean: 'bool',
  array: 'list',
  object: 'dict',
};
const BOOLEANS = new Set<unknown>([
  true,
  false,
  1,
  0,
  'true',
  'false',
  'True',
  'False',
  'TRUE',
  'FALSE',
  '1',
  '0',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  't',
  'f',
]);

/** Whether Django REST framework's field for these types would take the value (it coerces strings). */
export function drfAccepts(
  types: Set<string>,
  value: unknown,
  allowed?: unknown[],
): boolean {
  if (value === null) return types.has('null');
  if (allowed) return allowed.map(String).includes(String(value));
  const str = typeof value === 'string' ? value.trim() : undefined;
  return [...types].some(t => {
    switch (t) {
      case 'string':
        return typeof value === 'string' || typeof value === 'number';
      case 'integer':
        return (
          Number.isInteger(value) ||
          (str !== undefined && /^-?\d+(\.0*)?$/.test(str))
        );
      case 'number':
        return (
          typeof value === 'number' ||
          (str !== undefined && str !== '' && !Number.isNaN(Number(str)))
        );
      case 'boolean':
        return BOOLEANS.has(value);
      case 'array':
        return Array.isArray(value);
      case 'object':
        return typeof value === 'object' && !Array.isArray(value);
      default:
        return false;
    }
  });
}

function typeMessage(p: RequestProblem, value: unknown): string {
  const py = PY_TYPE[jsonType(value)] ?? 'str';
  if (value === null) return 'This field may not be null.';
  switch (p.expected) {
    case 'enum':
      return `"${String(value)}" is not a valid choice.`;
    case 'integer':
      return 'A valid integer is required.';
    case 'number':
      return 'A valid number is required.';
    case 'boolean':
      return 'Must be a valid boolean.';
    case 'array':
      return `Expected a list of items but got type "${py}".`;
    case 'object':
      return `Expected a dictionary of items but got type "${py}".`;
    default:
      return 'Not a valid string.';
  }
}

/**
 * Checks every NetBox API request against the NetBox 4.5.3 contract, as NetBox would answer it:
 * a method the path does not take is 405 `{"detail": "Method \"X\" not allowed."}`, a mistyped body
 * field is 400 `{field: [DRF's message]}`. Unknown query parameters and body fields, which NetBox
 * ignores, are recorded in `drift` and, under the `reject` policy, answered 400 naming them.
 * The 400s are left in `res.locals.contractErrors` for {@link contractRefusal} and
 * {@link withContractErrors} (DRF reports the simulator's own field errors with them). Paths outside the contract
 * fall through to the simulator's 404 page.
 */
export function netboxRequestCheck(
  policy: UnknownInputPolicy,
  drift: ContractDrift[],
): express.RequestHandler {
  const contract = new RequestContract(NETBOX_CONTRACT_FILE, {
    accepts: drfAccepts,
  });
  return (req, res, next) => {
    const path = req.originalUrl.split('?')[0];
    const m = contract.match(req.method, path);
    if (m.kind === 'no-path') return next();
    if (m.kind === 'no-method') {
      if (req.method === 'HEAD' || req.method === 'OPTIONS') return next();
      res.setHeader('Allow', [...m.allowed, 'HEAD', 'OPTIONS'].join(', '));
      send(res, 405, { detail: `Method "${req.method}" not allowed.` });
      return undefined;
    }
    const op = m.op;
    const errors: Record<string, string[]> = {};
    const unknown = (field: string, problem: string) => {
      drift.push({ method: req.method, path: req.originalUrl, field, problem });
      if (policy === 'reject') errors[field] = [`lab: ${problem}`];
    };
    const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    const extra = (n: string) => FRAMEWORK_PARAMS.has(n) || /^cf_/.test(n);
    for (const p of contract.checkQuery(op, query.keys(), extra))
      unknown(
        p.field,
        `not a query parameter of ${req.method} ${op.template} in the NetBox 4.5.3 contract (NetBox ignores unknown filters: a list answers every object)`,
      );
    const body = jsonObject(req);
    if (body)
      for (const p of contract.checkBody(op, body)) {
        if (p.kind === 'type')
          errors[p.field] = [typeMessage(p, body[p.field])];
        else
          unknown(
            p.field,
            `not a field of ${op.bodyName} in the NetBox 4.5.3 contract (NetBox ignores it silently)`,
          );
      }
    // answered by the simulator together with its own field errors, before anything changes
    if (Object.keys(errors).length) res.locals.contractErrors = errors;
    return next();
  };
}

/** The request body as a JSON object, or undefined (the simulator answers anything else itself). */
function jsonObject(req: express.Request): Record<string, unknown> | undefined {
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) return undefined;
  try {
    const v = JSON.parse(req.body.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The request check's 400 for this request, if it found anything (answer it before any change). */
export function contractRefusal(
  res: express.Response,
): { status: number; body: unknown } | undefined {
  const pre = res.locals.contractErrors as Record<string, string[]> | undefined;
  return pre ? { status: 400, body: pre } : undefined;
}

/** A 400 from the simulator's own validation, with the request check's field errors added (DRF reports all). */
export function withContractErrors(
  res: express.Response,
  errors: unknown,
): { status: number; body: unknown } {
  const pre = res.locals.contractErrors as Record<string, string[]> | undefined;
  return { status: 400, body: { ...(errors as object), ...pre } };
}
