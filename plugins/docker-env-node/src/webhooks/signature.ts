import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 *
 * @public
 */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Docker-Env-Signature';
/**
 * The event name, e.g. `environment.created`.
 *
 * @public
 */
export const WEBHOOK_EVENT_HEADER = 'X-Docker-Env-Event';
/**
 * Unique per delivery and stable across its retries, so receivers can de-duplicate.
 *
 * @public
 */
export const WEBHOOK_DELIVERY_HEADER = 'X-Docker-Env-Delivery';

/**
 * Default accepted clock difference between signer and verifier.
 *
 * @public
 */
export const DEFAULT_SIGNATURE_TOLERANCE_SEC = 300;

function hmac(
  secret: string,
  timestamp: number,
  body: string | Buffer,
): string {
  return createHmac('sha256', secret)
    .update(`${timestamp}.`)
    .update(body)
    .digest('hex');
}

/**
 * Builds the signature header value for a body signed at `timestamp` (unix seconds).
 *
 * @public
 */
export function signWebhookPayload(
  secret: string,
  body: string | Buffer,
  timestamp: number = Math.floor(Date.now() / 1000),
): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

/**
 * Outcome of {@link verifyWebhookSignature}.
 *
 * @public
 */
export type WebhookVerification =
  | { valid: true; timestamp: number }
  | { valid: false; reason: string };

/**
 * Checks a delivery for receivers: the header must carry a timestamp within `toleranceSec` of now
 * and a `v1` HMAC-SHA256 of `<timestamp>.<raw body>` under one of the secrets (several secrets allow
 * rotation). Verify the raw bytes as received, before any JSON parsing.
 *
 * @public
 */
export function verifyWebhookSignature(
  secret: string | string[],
  header: string | undefined | null,
  body: string | Buffer,
  toleranceSec: number = DEFAULT_SIGNATURE_TOLERANCE_SEC,
  nowSec: number = Date.now() / 1000,
): WebhookVerification {
  if (!header) return { valid: false, reason: 'missing signature header' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value))
      signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined)
    return { valid: false, reason: 'no timestamp in signature header' };
  if (signatures.length === 0)
    return { valid: false, reason: 'no v1 signature in signature header' };
  if (Math.abs(nowSec - timestamp) > toleranceSec) {
    return { valid: false, reason: 'timestamp outside tolerance' };
  }
  const secrets = Array.isArray(secret) ? secret : [secret];
  for (const s of secrets) {
    const expected = Buffer.from(hmac(s, timestamp, body), 'hex');
    for (const sig of signatures) {
      if (timingSafeEqual(expected, Buffer.from(sig, 'hex')))
        return { valid: true, timestamp };
    }
  }
  return { valid: false, reason: 'signature mismatch' };
}
