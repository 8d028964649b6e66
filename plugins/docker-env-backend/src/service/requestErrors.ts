import { CustomErrorBase, InputError } from '@backstage/errors';
import express, {
  type ErrorRequestHandler,
  type RequestHandler,
} from 'express';

/** 415: a write whose body is not JSON. */
export class UnsupportedMediaTypeError extends CustomErrorBase {
  readonly statusCode = 415;
}

/** 429 with the seconds after which to retry: {@link retryAfterHeader} sets `Retry-After` from it. */
export class TooManyRequestsError extends CustomErrorBase {
  readonly statusCode = 429;
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/** Sets `Retry-After` on the answer of a {@link TooManyRequestsError}. */
export function retryAfterHeader(): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (error instanceof TooManyRequestsError)
      res.set('Retry-After', String(error.retryAfterSeconds));
    next(error);
  };
}

/** 413: a body over the JSON parser's limit. */
export class PayloadTooLargeError extends CustomErrorBase {
  readonly statusCode = 413;
}

const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** Refuses a write carrying a body that is not `application/json` with 415, naming the content type. */
export function jsonBodiesOnly(): RequestHandler {
  return (req, _res, next) => {
    const length = Number(req.headers['content-length'] ?? 0);
    const hasBody =
      length > 0 || req.headers['transfer-encoding'] !== undefined;
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
    if (WRITES.includes(req.method) && hasBody && type !== 'application/json') {
      next(
        new UnsupportedMediaTypeError(
          `content-type: must be application/json; got ${type || 'none'}`,
        ),
      );
      return;
    }
    next();
  };
}

/** `express.json()` whose refusals are 400 (or 413) naming the body. */
export function jsonBody(): RequestHandler {
  const parse = express.json();
  return (req, res, next) =>
    parse(req, res, error => {
      if (error?.type === 'entity.parse.failed')
        next(new InputError(`body: must be valid JSON (${error.message})`));
      else if (error?.type === 'entity.too.large')
        next(
          new PayloadTooLargeError(
            `body: must be at most ${error.limit} bytes`,
          ),
        );
      else next(error);
    });
}

type Schema = { properties?: Record<string, unknown> };
type Paths = Record<
  string,
  Record<
    string,
    { requestBody?: { content?: Record<string, { schema?: Schema }> } }
  >
>;

/** The request body schema of the spec's operation `method path`. */
function bodySchema(paths: Paths, method: string, path: string) {
  for (const [template, operations] of Object.entries(paths)) {
    const pattern = new RegExp(
      `^${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`,
      'i',
    );
    if (pattern.test(path))
      return operations[method.toLowerCase()]?.requestBody?.content?.[
        'application/json'
      ]?.schema;
  }
  return undefined;
}

/**
 * The OpenAPI validator's 400s (`request/body/x must be <= 5`, `request/body must NOT have additional properties`)
 * rewritten to name the field and the rule: `x: must be <= 5`, `privileged: unknown field; known: a, b`.
 */
export function namedValidationErrors(paths: Paths): ErrorRequestHandler {
  return (error, req, _res, next) => {
    const m =
      error instanceof InputError
        ? /^request\/(body|query|params|headers)(?:\/(\S+))? (.*)$/.exec(
            error.message.split(', request/')[0],
          )
        : null;
    if (!m) {
      next(error);
      return;
    }
    const [, part, field, rule] = m;
    if (
      rule.startsWith('must NOT have additional properties') &&
      part === 'body'
    ) {
      const known = Object.keys(
        bodySchema(paths, req.method, req.path)?.properties ?? {},
      );
      const body = (
        field
          ? field.split('/').reduce((v: any, k) => v?.[k], req.body)
          : req.body
      ) as Record<string, unknown> | undefined;
      const unknown = Object.keys(body ?? {}).filter(k => !known.includes(k));
      const prefix = field ? `${field.replace(/\//g, '.')}.` : '';
      next(
        new InputError(
          `${
            unknown.map(k => prefix + k).join(', ') || 'body'
          }: unknown field; known: ${known.join(', ')}`,
        ),
      );
      return;
    }
    next(
      new InputError(`${field ? field.replace(/\//g, '.') : part}: ${rule}`),
    );
  };
}
