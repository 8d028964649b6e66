// The HTTP plumbing of the Docker API: request context, JSON replies and bodies, fault gates.
import type http from 'node:http';
import { type DockerEngine } from './DockerEngine';
import { EngineError } from './model';

export type Req = http.IncomingMessage;
export type Res = http.ServerResponse;
export interface Ctx {
  engine: DockerEngine;
  req: Req;
  res: Res;
  params: string[];
  query: URLSearchParams;
  apiVersion: string;
}
export type Handler = (ctx: Ctx) => Promise<void> | void;

export const MAX_BODY = 1024 * 1024;

/** dockerd's boolean query parsing: anything but "", 0, no, false, none is true. */
export function bool(v: string | null): boolean {
  return (
    v !== null && !['', '0', 'no', 'false', 'none'].includes(v.toLowerCase())
  );
}

export function sendJson(res: Res, status: number, body: unknown) {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Errors are `{"message": "..."}` with the engine's status. */
export function sendError(res: Res, status: number, message: string) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { message });
}

export function noContent(res: Res, status: 204 | 304 = 204) {
  res.writeHead(status);
  res.end();
}

export async function readJson(req: Req): Promise<any> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new EngineError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new EngineError(400, `invalid JSON: ${(e as Error).message}`);
  }
}

/** Applies the lab's latency and faults; returns false when the call was answered (fail) or swallowed (hang). */
export async function gate(ctx: Ctx, operation: string): Promise<boolean> {
  const fault = ctx.engine.control.enter(operation);
  if (fault?.kind === 'hang') return false;
  await ctx.engine.control.delay(operation);
  if (fault?.kind === 'fail') {
    const body = fault.body as { message?: string } | undefined;
    if (fault.reason) ctx.res.statusMessage = fault.reason;
    sendError(
      ctx.res,
      fault.status,
      body?.message ?? fault.reason ?? 'lab: injected failure',
    );
    return false;
  }
  return true;
}

export function line(res: Res, obj: unknown) {
  res.write(`${JSON.stringify(obj)}\r\n`);
}

/** Compares API versions like `1.41` numerically. */
export function compareVersion(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}
