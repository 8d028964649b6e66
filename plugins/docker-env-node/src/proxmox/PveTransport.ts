import http from 'node:http';
import https from 'node:https';
import { UpstreamApiError } from '../errors';
import { callSignal } from '../timing/callSignal';

/**
 * How {@link PveTransport} reaches the API.
 *
 * @public
 */
export interface PveTransportOptions {
  /** `https://pve.example.com:8006` (optionally ending in `/api2/json`); `http:` for the lab. */
  url: string;
  /** `USER@REALM!TOKENID`. */
  tokenId: string;
  tokenSecret: string;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** PEM of a CA to trust (self-signed PVE). */
  caPem?: string;
  /** Skip TLS certificate verification (only for a lab PVE). */
  insecureSkipTlsVerify?: boolean;
}

/** Upper bound on one answer (rrddata of a year is ~100 KB). */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

const TOKEN_ID = /^[A-Za-z0-9._-]+@[A-Za-z0-9._-]+![A-Za-z][A-Za-z0-9._-]*$/;

/**
 * HTTP methods of the PVE API.
 *
 * @public
 */
export type PveMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * The seam between {@link ProxmoxApiClient} and the wire: one PVE API call, `path` relative to
 * `/api2/json` (`/nodes/pve/lxc/101/config`). Tests and other transports implement it.
 *
 * @public
 */
export interface PveRequester {
  request(
    method: PveMethod,
    path: string,
    params?: Record<string, unknown>,
    options?: { signal?: AbortSignal },
  ): Promise<unknown>;
}

/**
 * The PVE API transport: exactly one attempt (a POST such as clone must never be sent twice),
 * `PVEAPIToken` auth, form-urlencoded POST/PUT bodies, booleans as 0/1, a timeout per request, and
 * every failure as an {@link UpstreamApiError} with status, reason phrase (PVE's message) and the
 * `errors` map.
 *
 * @public
 */
export class PveTransport implements PveRequester {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly authorization: string;
  private readonly timeoutMs: number;

  constructor(options: PveTransportOptions) {
    const base = new URL(options.url);
    if (base.protocol !== 'https:' && base.protocol !== 'http:') {
      throw new TypeError('proxmox url: must be http(s)');
    }
    base.pathname = base.pathname
      .replace(/\/+$/, '')
      .replace(/\/api2\/json$/, '');
    this.base = base;
    if (!TOKEN_ID.test(options.tokenId))
      throw new TypeError('proxmox tokenId: must look like USER@REALM!TOKENID');
    if (!/^[A-Za-z0-9-]{8,128}$/.test(options.tokenSecret)) {
      throw new TypeError(
        'proxmox tokenSecret: must be the token secret (letters, digits, "-")',
      );
    }
    this.authorization = `PVEAPIToken=${options.tokenId}=${options.tokenSecret}`;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.agent =
      base.protocol === 'https:'
        ? new https.Agent({
            keepAlive: true,
            ca: options.caPem,
            rejectUnauthorized: !options.insecureSkipTlsVerify,
          })
        : new http.Agent({ keepAlive: true });
  }

  /** Encodes parameters the way PVE reads them: skip null/undefined, booleans 0/1, arrays repeated. */
  static encode(params?: Record<string, unknown>): URLSearchParams {
    const out = new URLSearchParams();
    for (const [k, v] of Object.entries(params ?? {})) {
      if (v === undefined || v === null) continue;
      const values = Array.isArray(v) ? v : [v];
      for (const e of values) {
        if (typeof e === 'boolean') out.append(k, e ? '1' : '0');
        else out.append(k, String(e));
      }
    }
    return out;
  }

  async request(
    method: PveMethod,
    path: string,
    params?: Record<string, unknown>,
    options: { signal?: AbortSignal } = {},
  ): Promise<any> {
    const verb = method.toUpperCase();
    const url = new URL(this.base.toString());
    url.pathname = `${this.base.pathname.replace(/\/+$/, '')}/api2/json${path}`;
    const encoded = PveTransport.encode(params);
    let body: string | undefined;
    if (verb === 'POST' || verb === 'PUT') body = encoded.toString();
    else url.search = encoded.toString();
    const operation = `${verb} ${path}`;

    const { status, reason, contentType, text } = await this.send(
      verb,
      url,
      body,
      operation,
      callSignal(options.signal),
    );
    let parsed: any;
    if (contentType?.startsWith('application/json')) {
      try {
        parsed = JSON.parse(text);
      } catch (cause) {
        throw new UpstreamApiError(
          `Proxmox ${operation}: unparseable JSON answer (${status})`,
          {
            system: 'proxmox',
            status,
            reason,
            operation,
            cause,
          },
        );
      }
    }
    if (
      status === 200 &&
      parsed &&
      typeof parsed === 'object' &&
      'data' in parsed
    )
      return parsed.data;
    const fieldErrors: Record<string, string> = {};
    if (parsed?.errors && typeof parsed.errors === 'object') {
      for (const [k, v] of Object.entries(parsed.errors))
        fieldErrors[k] = String(v).trim();
    }
    const details = Object.entries(fieldErrors)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ');
    throw new UpstreamApiError(
      `Proxmox ${operation} failed: ${status} ${reason}${
        details ? ` (${details})` : ''
      }`,
      { system: 'proxmox', status, reason, fieldErrors, operation },
    );
  }

  private send(
    verb: string,
    url: URL,
    body: string | undefined,
    operation: string,
    signal?: AbortSignal,
  ) {
    const lib = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = {
      Authorization: this.authorization,
      Accept: 'application/json',
    };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    return new Promise<{
      status: number;
      reason: string;
      contentType?: string;
      text: string;
    }>((resolve, reject) => {
      const fail = (reason: string, cause?: unknown) =>
        reject(
          new UpstreamApiError(`Proxmox ${operation} failed: ${reason}`, {
            system: 'proxmox',
            reason,
            operation,
            cause,
          }),
        );
      const req = lib.request(
        url,
        { method: verb, headers, agent: this.agent },
        res => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(
                new Error(`answer larger than ${MAX_RESPONSE_BYTES} bytes`),
              );
              return;
            }
            chunks.push(c);
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              reason: res.statusMessage ?? '',
              contentType: res.headers['content-type'],
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', err => fail(`response aborted: ${err.message}`, err));
        },
      );
      // one attempt only: a timed-out POST may still have run, so callers reconcile (find by hostname).
      // A deadline for the whole exchange, not a socket idle timeout: a server that trickles never idles.
      const deadline = setTimeout(
        () => req.destroy(new Error(`timeout after ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      req.on('close', () => clearTimeout(deadline));
      req.on('error', err => fail(err.message, err));
      if (signal) {
        if (signal.aborted) req.destroy(new Error('aborted'));
        else {
          const onAbort = () => req.destroy(new Error('aborted'));
          signal.addEventListener('abort', onAbort, { once: true });
          req.on('close', () => signal.removeEventListener('abort', onAbort));
        }
      }
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}
