import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { buildFromConfig, readTimeoutMs } from '../config';
import { isNonPublicAddress, type Resolve } from './addressPolicy';
import { postOnce, type PostAnswer } from './post';
import {
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_EVENT_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  signWebhookPayload,
} from './signature';
import { assertWebhookUrl } from './url';

/**
 * Retry and safety policy; `dockerEnv.webhooks` in app-config.
 *
 * @public
 */
export interface WebhookSenderOptions {
  /** Hosts deliveries may go to (`hooks.example.org`, `*.example.org`); unset allows any host. */
  allowedHosts?: string[];
  /** Attempts per delivery including the first (default 5). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt, with jitter (default 1000). */
  initialDelayMs?: number;
  /** Cap of one backoff delay (default 30000). */
  maxDelayMs?: number;
  /** Budget for the whole delivery including waits (default 120000); no attempt starts past it. */
  maxTotalMs?: number;
  /** Timeout of one HTTP attempt (default 10000). */
  timeoutMs?: number;
  /**
   * Allow targets that are or resolve to loopback, private or link-local addresses (default
   * false: such targets could reach internal admin APIs or cloud metadata).
   */
  allowPrivateNetworks?: boolean;
}

/**
 * One delivery: where, how it is signed, what.
 *
 * @public
 */
export interface WebhookDeliveryRequest {
  url: string;
  /** HMAC key shared with the receiver. */
  secret: string;
  /** Event name, e.g. `environment.created`. */
  event: string;
  /** JSON-serialisable data, sent as `data` in the body. */
  payload: unknown;
  /** Reuse an id to re-send the same delivery; generated otherwise. */
  deliveryId?: string;
}

/**
 * What happened to one attempt.
 *
 * @public
 */
export interface WebhookAttempt {
  status?: number;
  error?: string;
  durationMs: number;
}

/**
 * Result of a delivery; failures are reported here rather than thrown.
 *
 * @public
 */
export interface WebhookDeliveryReport {
  deliveryId: string;
  event: string;
  ok: boolean;
  attempts: number;
  /** HTTP status of the last attempt, undefined when it never got an answer. */
  status?: number;
  durationMs: number;
  /** Why the delivery failed, when it did. */
  error?: string;
  attemptLog: WebhookAttempt[];
}

/**
 * Injectable clock and randomness, for deterministic backoff in tests.
 *
 * @public
 */
export interface WebhookSenderDeps {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Name resolution (`dns.lookup` with `all: true`); tests give a fake one. */
  resolve?: Resolve;
}

const EVENT_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const MIN_SECRET_LENGTH = 16;

/**
 * Delivers signed webhooks: JSON body `{id, event, createdAt, data}`, signature header over
 * `<timestamp>.<body>`, retries with exponential backoff and jitter on network errors, 5xx and 429
 * (honouring Retry-After), never on other 4xx or redirects.
 *
 * @public
 */
export class WebhookSender {
  private readonly maxAttempts: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxTotalMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly resolve?: Resolve;

  /** Reads `dockerEnv.webhooks` (every key optional); a bad value is a `ConfigError` naming its key. */
  static fromConfig(config: Config, deps?: WebhookSenderDeps): WebhookSender {
    const section = 'dockerEnv.webhooks';
    return buildFromConfig(section, () => {
      const c = config.getOptionalConfig(section);
      return new WebhookSender(
        {
          allowedHosts: c?.getOptionalStringArray('allowedHosts'),
          maxAttempts: c?.getOptionalNumber('maxAttempts'),
          initialDelayMs: c?.getOptionalNumber('initialDelayMs'),
          maxDelayMs: c?.getOptionalNumber('maxDelayMs'),
          maxTotalMs: c?.getOptionalNumber('maxTotalMs'),
          timeoutMs: c ? readTimeoutMs(c, section) : undefined,
          allowPrivateNetworks: c?.getOptionalBoolean('allowPrivateNetworks'),
        },
        deps,
      );
    });
  }

  constructor(
    private readonly options: WebhookSenderOptions = {},
    deps: WebhookSenderDeps = {},
  ) {
    this.maxAttempts = positiveInt('maxAttempts', options.maxAttempts ?? 5, 20);
    this.initialDelayMs = positiveInt(
      'initialDelayMs',
      options.initialDelayMs ?? 1000,
      3_600_000,
    );
    this.maxDelayMs = positiveInt(
      'maxDelayMs',
      options.maxDelayMs ?? 30_000,
      3_600_000,
    );
    this.maxTotalMs = positiveInt(
      'maxTotalMs',
      options.maxTotalMs ?? 120_000,
      86_400_000,
    );
    this.timeoutMs = positiveInt(
      'timeoutMs',
      options.timeoutMs ?? 10_000,
      600_000,
    );
    this.sleep = deps.sleep ?? (ms => new Promise(r => setTimeout(r, ms)));
    this.random = deps.random ?? Math.random;
    this.resolve = deps.resolve;
  }

  /**
   * Validates a target URL against the scheme, credential and host rules, and refuses a
   * non-public IP literal unless private networks are allowed (InputError). Names are checked
   * after DNS resolution at delivery time.
   */
  assertUrl(url: string): void {
    this.checkedUrl(url);
  }

  private checkedUrl(value: string): URL {
    const url = assertWebhookUrl('url', value, this.options.allowedHosts);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (
      !this.options.allowPrivateNetworks &&
      (isIP(host) ? isNonPublicAddress(host) : isLocalName(host))
    ) {
      throw new InputError(
        `url: ${host} is a loopback, private or link-local address; webhooks go to public hosts only`,
      );
    }
    return url;
  }

  /** Sends one signed delivery with retries; InputError on bad input, otherwise failures are in the report. */
  async deliver(
    request: WebhookDeliveryRequest,
  ): Promise<WebhookDeliveryReport> {
    const url = this.checkedUrl(request.url);
    if (typeof request.event !== 'string' || !EVENT_NAME.test(request.event)) {
      throw new InputError(
        'event: must be lower-case letters, digits, dots, dashes or underscores',
      );
    }
    if (
      typeof request.secret !== 'string' ||
      request.secret.length < MIN_SECRET_LENGTH
    ) {
      throw new InputError(
        `secret: must be at least ${MIN_SECRET_LENGTH} characters`,
      );
    }
    const deliveryId = request.deliveryId ?? randomUUID();
    if (!/^[A-Za-z0-9-]{1,100}$/.test(deliveryId)) {
      throw new InputError('deliveryId: must be letters, digits and dashes');
    }
    const body = JSON.stringify({
      id: deliveryId,
      event: request.event,
      createdAt: new Date().toISOString(),
      data: request.payload ?? null,
    });

    const started = Date.now();
    const attemptLog: WebhookAttempt[] = [];
    const report = (ok: boolean, error?: string): WebhookDeliveryReport => ({
      deliveryId,
      event: request.event,
      ok,
      attempts: attemptLog.length,
      status: attemptLog[attemptLog.length - 1]?.status,
      durationMs: Date.now() - started,
      error,
      attemptLog,
    });

    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const remaining = this.maxTotalMs - (Date.now() - started);
      const outcome = await this.attempt(
        url,
        request,
        deliveryId,
        body,
        Math.min(this.timeoutMs, remaining),
      );
      attemptLog.push(outcome.attempt);
      if (outcome.ok) return report(true);
      const failure = outcome.attempt.error ?? `HTTP ${outcome.attempt.status}`;
      if (!outcome.retry) return report(false, failure);
      if (attempt === this.maxAttempts) {
        return report(false, `${failure}; gave up after ${attempt} attempts`);
      }
      const wait = outcome.retryAfterMs ?? this.backoff(attempt);
      if (Date.now() - started + wait >= this.maxTotalMs) {
        return report(
          false,
          `${failure}; next retry would exceed ${this.maxTotalMs} ms`,
        );
      }
      await this.sleep(wait);
    }
    return report(false, 'no attempt made');
  }

  /** Exponential backoff with jitter: a random delay between half and all of the capped doubling. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(
      this.maxDelayMs,
      this.initialDelayMs * 2 ** (attempt - 1),
    );
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private async attempt(
    url: URL,
    request: WebhookDeliveryRequest,
    deliveryId: string,
    body: string,
    timeoutMs: number,
  ): Promise<{
    ok: boolean;
    retry: boolean;
    retryAfterMs?: number;
    attempt: WebhookAttempt;
  }> {
    const started = Date.now();
    // re-signed per attempt so a late retry still falls inside the receiver's tolerance
    const signature = signWebhookPayload(request.secret, body);
    let answer: PostAnswer;
    try {
      answer = await postOnce(
        url,
        {
          'content-type': 'application/json',
          'user-agent': 'docker-env-webhooks/1',
          [WEBHOOK_SIGNATURE_HEADER]: signature,
          [WEBHOOK_EVENT_HEADER]: request.event,
          [WEBHOOK_DELIVERY_HEADER]: deliveryId,
        },
        body,
        Math.max(1, timeoutMs),
        this.options.allowPrivateNetworks === true,
        this.resolve,
      );
    } catch (e) {
      const err = e as Error & { code?: string };
      let error = err.code ?? err.message;
      if (err.code === 'ETIMEDOUT') error = `timeout after ${timeoutMs} ms`;
      if (err.code === 'EPRIVATEADDRESS') error = err.message;
      return {
        ok: false,
        // a refused address will not become public by retrying
        retry: err.code !== 'EPRIVATEADDRESS',
        attempt: { error, durationMs: Date.now() - started },
      };
    }
    const status = answer.status;
    const attempt: WebhookAttempt = {
      status,
      durationMs: Date.now() - started,
    };
    if (status >= 200 && status < 300)
      return { ok: true, retry: false, attempt };
    const retry = status >= 500 || status === 429;
    if (status >= 300 && status < 400)
      attempt.error = `HTTP ${status} redirect (not followed)`;
    return {
      ok: false,
      retry,
      retryAfterMs: retry ? parseRetryAfter(answer.retryAfter) : undefined,
      attempt,
    };
  }
}

/**
 * Retry-After as delta-seconds or an HTTP date, in milliseconds; undefined when absent or bad.
 *
 * @public
 */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** `localhost` and its subdomains never leave the host. */
function isLocalName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

function positiveInt(field: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new InputError(`${field}: must be an integer from 1 to ${max}`);
  }
  return value;
}
