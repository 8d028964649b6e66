import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import {
  guardedLookup,
  isNonPublicAddress,
  privateAddressError,
  type Resolve,
} from './addressPolicy';

/** The status and Retry-After of one POST; the body is not read. */
export interface PostAnswer {
  status: number;
  retryAfter: string | null;
}

/**
 * POSTs `body` once within `timeoutMs`, never following redirects. Unless `allowPrivateNetworks`,
 * the target must resolve only to public addresses (checked on the address actually connected to).
 */
export function postOnce(
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  allowPrivateNetworks: boolean,
  resolveName?: Resolve,
): Promise<PostAnswer> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // an IP literal is connected to without a lookup: check it here
  if (!allowPrivateNetworks && net.isIP(host) && isNonPublicAddress(host))
    return Promise.reject(privateAddressError(host, host));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      lookup: guardedLookup(allowPrivateNetworks, resolveName),
    });
    const timer = setTimeout(
      () =>
        req.destroy(
          Object.assign(new Error(`timeout after ${timeoutMs} ms`), {
            code: 'ETIMEDOUT',
          }),
        ),
      timeoutMs,
    );
    req.on('response', res => {
      clearTimeout(timer);
      const answer = {
        status: res.statusCode ?? 0,
        retryAfter: (res.headers['retry-after'] as string | undefined) ?? null,
      };
      res.destroy();
      resolve(answer);
    });
    req.on('error', e => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(body);
  });
}
