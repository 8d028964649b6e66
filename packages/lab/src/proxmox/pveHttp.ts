import type { ServerResponse } from 'node:http';

/** PVE's exact JSON content type (the proxmox-api package refuses anything else). */
export const PVE_CONTENT_TYPE = 'application/json;charset=UTF-8';

/**
 * An API failure the way PVE reports it: the message is the HTTP reason phrase, the body is
 * `{data: null, message, errors?}`.
 */
export class PveError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
  }

  /** 400 `Parameter verification failed.` with per-field messages (raise_param_exc). */
  static params(errors: Record<string, string>): PveError {
    return new PveError(400, 'Parameter verification failed.', errors);
  }

  /** 403 `Permission check failed (...)`, or without detail when `what` is absent (raise_perm_exc). */
  static perm(what?: string): PveError {
    return new PveError(
      403,
      what ? `Permission check failed (${what})` : 'Permission check failed',
    );
  }

  /** 500 for a plain `die "...\n"` in the API code. */
  static die(message: string): PveError {
    return new PveError(500, message);
  }
}

/** Sends `{"data": ...}` with status 200 and PVE's content type. */
export function sendData(res: ServerResponse, data: unknown): void {
  const body = JSON.stringify({ data: data === undefined ? null : data });
  res.statusCode = 200;
  res.statusMessage = 'OK';
  res.setHeader('Content-Type', PVE_CONTENT_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'max-age=0');
  res.setHeader('Pragma', 'no-cache');
  res.end(body);
}

/** Sends an error: reason phrase = message (one line), body `{data:null, message, errors?}`. */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  errors?: Record<string, string>,
): void {
  const reason = message.replace(/[\r\n]+/g, ' ').trim();
  const payload: Record<string, unknown> = {
    data: null,
    message: `${reason}\n`,
  };
  if (errors) payload.errors = errors;
  const body = JSON.stringify(payload);
  res.statusCode = status;
  res.statusMessage = reason;
  res.setHeader('Content-Type', PVE_CONTENT_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
