import type express from 'express';
import {
  ContractDrift,
  ContractOperation,
  jsonType,
  PORTAINER_CONTRACT_FILE,
  RequestContract,
  UnknownInputPolicy,
} from '../contracts';
import { perr, type Reply, send } from './reply';

const GO_TYPE: Record<string, string> = {
  string: 'string',
  integer: 'int',
  number: 'float64',
  boolean: 'bool',
  array: 'slice',
  object: 'struct',
  enum: 'string',
};
const JSON_NAME: Record<string, string> = {
  string: 'string',
  integer: 'number',
  number: 'number',
  boolean: 'bool',
  array: 'array',
  object: 'object',
};
/** Paths the lab answers beyond the contract subset (listed as extensions in contracts/README.md). */
const EXTENSIONS = [/^\/endpoints\/[^/]+\/docker(\/.*)?$/];

/**
 * Portainer 2.31's request contract (the EE subset, see contracts/README.md) and how Portainer answers
 * requests outside it: gorilla/mux answers 404 `404 page not found` for an unknown path and an empty
 * 405 for a method the path does not take, before any authentication; a body field of the wrong JSON
 * type fails Go's decoder (400 `Invalid request payload`). Unknown query parameters, form fields and
 * body fields, which Portainer ignores, are recorded in `drift` and refused under the `reject` policy.
 */
export class PortainerRequestCheck {
  private readonly contract = new RequestContract(PORTAINER_CONTRACT_FILE, {
    caseInsensitive: true,
  });

  constructor(
    private readonly policy: UnknownInputPolicy,
    private readonly drift: ContractDrift[],
  ) {}

  /** Middleware under `/api` before authentication: unknown paths and methods. */
  routing(): express.RequestHandler {
    return (req, res, next) => {
      const path = apiPath(req);
      if (EXTENSIONS.some(re => re.test(path))) return next();
      const m = this.contract.match(req.method, path);
      if (m.kind === 'no-path') {
        res
          .status(404)
          .type('text/plain; charset=utf-8')
          .send('404 page not found\n');
        return undefined;
      }
      if (m.kind === 'no-method') {
        res.status(405).end();
        return undefined;
      }
      return next();
    };
  }

  /** Middleware after the body was read: query parameters and JSON body fields. */
  request(): express.RequestHandler {
    return (req, res, next) => {
      const m = this.contract.match(req.method, apiPath(req));
      if (m.kind !== 'operation') return next();
      const refused =
        this.checkQuery(req, m.op) ?? this.checkBody(req, m.op, req.body);
      if (refused) {
        send(res, refused);
        return undefined;
      }
      return next();
    };
  }

  /** Form fields of a multipart request the operation does not declare (`POST /endpoints`). */
  checkForm(req: express.Request, fields: string[]): Reply | undefined {
    const m = this.contract.match(req.method, apiPath(req));
    if (m.kind !== 'operation') return undefined;
    for (const p of this.contract.checkForm(m.op, fields)) {
      const refused = this.unknown(
        req,
        p.field,
        `form field "${p.field}" is not in ${req.method} ${m.op.template} of the Portainer 2.31 contract (Portainer ignores it silently)`,
      );
      if (refused) return refused;
    }
    return undefined;
  }

  /** The answer for an operation of the contract that the lab does not simulate. */
  notSimulated(req: express.Request): Reply | undefined {
    const m = this.contract.match(req.method, apiPath(req));
    if (m.kind !== 'operation') return undefined;
    return perr(
      501,
      'lab: not simulated',
      `lab: ${req.method} ${m.op.template} is in the Portainer contract but the lab does not simulate it`,
    );
  }

  private checkQuery(
    req: express.Request,
    op: ContractOperation,
  ): Reply | undefined {
    const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    for (const p of this.contract.checkQuery(op, query.keys())) {
      const refused = this.unknown(
        req,
        p.field,
        `query parameter "${p.field}" is not in ${req.method} ${op.template} of the Portainer 2.31 contract (Portainer ignores it silently)`,
      );
      if (refused) return refused;
    }
    return undefined;
  }

  private checkBody(
    req: express.Request,
    op: ContractOperation,
    raw: unknown,
  ): Reply | undefined {
    if (!Buffer.isBuffer(raw) || raw.length === 0) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return undefined; // the route answers Go's syntax error itself
    }
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return undefined;
    const value = body as Record<string, unknown>;
    for (const p of this.contract.checkBody(op, value)) {
      // Go's decoder knows no enums: the handler validates those values
      if (p.kind === 'type' && p.expected === 'enum') continue;
      if (p.kind === 'type') {
        const v = value[p.field];
        const shown =
          jsonType(v) === 'string' ? 'string' : JSON_NAME[jsonType(v)];
        return perr(
          400,
          'Invalid request payload',
          `json: cannot unmarshal ${shown} into Go struct field ${op.bodyName
            ?.split('.')
            .pop()}.${p.field} of type ${GO_TYPE[p.expected ?? 'string']}`,
        );
      }
      const refused = this.unknown(
        req,
        p.field,
        `json field "${p.field}" is not in ${op.bodyName} of the Portainer 2.31 contract (Portainer ignores it silently)`,
      );
      if (refused) return refused;
    }
    return undefined;
  }

  private unknown(
    req: express.Request,
    field: string,
    problem: string,
  ): Reply | undefined {
    this.drift.push({
      method: req.method,
      path: req.originalUrl,
      field,
      problem,
    });
    return this.policy === 'reject'
      ? perr(400, 'Invalid request payload', `lab: ${problem}`)
      : undefined;
  }
}

/** The request path below `/api`, without the query. */
function apiPath(req: express.Request): string {
  return req.originalUrl.split('?')[0].replace(/^\/api/, '') || '/';
}
