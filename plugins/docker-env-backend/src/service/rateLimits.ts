import type { Config } from '@backstage/config';
import type { RequestHandler } from 'express';
import { TooManyRequestsError } from './requestErrors';

const MINUTE_MS = 60_000;
/** Keys tracked at most per limit (the oldest windows go first): bounded memory under a spray of addresses. */
const MAX_KEYS = 100_000;

/** The public endpoints with a limit per client address and minute, and their defaults. */
export const RATE_LIMITED = {
  /** `POST /environments` */
  create: { method: 'POST', path: /^\/environments\/?$/i, perMinute: 10 },
  /** `GET /names/{name}` (the form checks names as one types) */
  names: { method: 'GET', path: /^\/names\/[^/]+\/?$/i, perMinute: 120 },
  /** `POST /environments/{name}/tokens` */
  tokens: {
    method: 'POST',
    path: /^\/environments\/[^/]+\/tokens\/?$/i,
    perMinute: 10,
  },
} as const;

type Limited = keyof typeof RATE_LIMITED;

/**
 * Requests per client address (`req.ip`: set `backend.trustProxy` behind a proxy) and fixed minute on the
 * endpoints of {@link RATE_LIMITED}, in this replica's memory; past the limit 429 with `Retry-After`. Limits from
 * `dockerEnv.rateLimits.<create|names|tokens>PerMinute`; 0 turns one off. Addresses of
 * `dockerEnv.rateLimits.ipAllowList` (default loopback, as Backstage's `backend.rateLimit`) are not limited.
 * (Backstage's `backend.rateLimit` limits a whole plugin, status polls included; these are per endpoint.)
 */
export function endpointRateLimits(config: Config): RequestHandler {
  const limits = (Object.keys(RATE_LIMITED) as Limited[]).map(name => ({
    ...RATE_LIMITED[name],
    name,
    limit:
      config.getOptionalNumber(`dockerEnv.rateLimits.${name}PerMinute`) ??
      RATE_LIMITED[name].perMinute,
    windows: new Map<string, { start: number; count: number }>(),
  }));
  const allowed = new Set(
    config.getOptionalStringArray('dockerEnv.rateLimits.ipAllowList') ?? [
      '127.0.0.1',
      '::1',
      '::ffff:127.0.0.1',
    ],
  );
  return (req, res, next) => {
    if (allowed.has(req.ip ?? '')) {
      next();
      return;
    }
    const rule = limits.find(
      l => l.limit > 0 && l.method === req.method && l.path.test(req.path),
    );
    if (!rule) {
      next();
      return;
    }
    const key = req.ip ?? 'unknown';
    const now = Date.now();
    let window = rule.windows.get(key);
    if (!window || now - window.start >= MINUTE_MS) {
      rule.windows.delete(key);
      if (rule.windows.size >= MAX_KEYS)
        rule.windows.delete(rule.windows.keys().next().value!);
      window = { start: now, count: 0 };
      rule.windows.set(key, window);
    }
    if (++window.count <= rule.limit) {
      next();
      return;
    }
    const retryAfter = Math.max(
      1,
      Math.ceil((window.start + MINUTE_MS - now) / 1000),
    );
    res.set('Retry-After', String(retryAfter));
    next(
      new TooManyRequestsError(
        `rate limit: at most ${rule.limit} ${rule.name} requests per client address per minute (dockerEnv.rateLimits.${rule.name}PerMinute); retry after ${retryAfter} s`,
        retryAfter,
      ),
    );
  };
}
