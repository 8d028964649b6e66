import type express from 'express';

/** What a route answers: status, JSON body, extra headers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Mounts one JSON route: its body read raw, checked against the contract, answered through faults. */
export type AddRoute = (
  method: 'get' | 'post' | 'put' | 'delete',
  path: string,
  op: string,
  fn: (req: express.Request) => Reply,
) => void;

const capitalize = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);

/** Portainer's error body: `{message, details}` where details defaults to the capitalised message. */
export function perr(status: number, message: string, details?: string): Reply {
  return { status, body: { message, details: capitalize(details ?? message) } };
}

/** Go's encoding/json matches keys case-insensitively (exact match first). */
export function field(body: Record<string, unknown>, name: string): unknown {
  if (name in body) return body[name];
  const key = Object.keys(body).find(
    k => k.toLowerCase() === name.toLowerCase(),
  );
  return key === undefined ? undefined : body[key];
}

/** The request's raw body as a JSON object, or Portainer's 400. */
export function parseJson(
  req: express.Request,
): Record<string, unknown> | Reply {
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  try {
    const json = JSON.parse(raw);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      return perr(
        400,
        'Invalid request payload',
        'json: cannot unmarshal array into Go value of type struct',
      );
    }
    return json;
  } catch (e) {
    return perr(
      400,
      'Invalid request payload',
      raw === '' ? 'EOF' : (e as Error).message,
    );
  }
}

/** Portainer's 400 for a route id that is not an integer (Go's `strconv.Atoi` error). */
export function badId(kind: string, raw: string): Reply {
  return perr(
    400,
    `Invalid ${kind} identifier route variable`,
    `strconv.Atoi: parsing "${raw}": invalid syntax`,
  );
}

/** Portainer's 404 for an object its database lacks; `what` with its article (`a team`). */
export function notFound(what: string): Reply {
  return perr(
    404,
    `Unable to find ${what} with the specified identifier inside the database`,
    'object not found inside the database',
  );
}

/** The object with route id `raw` in `list`, or Portainer's 400 (naming `kind`) / 404 (naming `what`). */
export function findById<T extends { Id: number }>(
  list: T[],
  raw: string,
  kind: string,
  what: string,
): T | Reply {
  if (!/^\d+$/.test(raw)) return badId(kind, raw);
  return list.find(x => x.Id === Number(raw)) ?? notFound(what);
}

/** True for a {@link Reply} (an early error answer). */
export function isReply(x: unknown): x is Reply {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Reply).status === 'number' &&
    'body' in x
  );
}

/** Writes a reply (JSON unless 204 or bodiless). */
export function send(
  res: express.Response,
  reply: Reply & { headers?: Record<string, string> },
  reason?: string,
) {
  res.status(reply.status);
  if (reason) res.statusMessage = reason;
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
  if (reply.body === undefined || reply.status === 204) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(reply.body));
}
