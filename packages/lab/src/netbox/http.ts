import type express from 'express';

/** Whether a resource write returned the object (rather than field errors). */
export function isObj(x: unknown): x is { id: number } {
  return (
    typeof x === 'object' && x !== null && typeof (x as any).id === 'number'
  );
}

/** Reads a JSON object body as NetBox does (415 for another media type, 400 for bad JSON). */
export function parseBody(
  req: express.Request,
): { json: Record<string, unknown> } | { status: number; body: unknown } {
  const type = (req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  if (type !== 'application/json') {
    return {
      status: 415,
      body: { detail: `Unsupported media type "${type}" in request.` },
    };
  }
  try {
    const json = raw === '' ? {} : JSON.parse(raw);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      return {
        status: 400,
        body: {
          non_field_errors: [
            'Invalid data. Expected a dictionary, but got list.',
          ],
        },
      };
    }
    return { json };
  } catch (e) {
    return {
      status: 400,
      body: { detail: `JSON parse error - ${(e as Error).message}` },
    };
  }
}

/** Answers with NetBox's headers and a JSON body. */
export function send(
  res: express.Response,
  status: number,
  body?: unknown,
  reason?: string,
) {
  res.status(status);
  if (reason) res.statusMessage = reason;
  res.setHeader('Vary', 'Accept, Cookie, Origin');
  res.setHeader('API-Version', '4.5');
  if (body === undefined || status === 204) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
}

/** Escapes text for NetBox's HTML error pages. */
export function escapeHtml(s: string) {
  return s.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}
