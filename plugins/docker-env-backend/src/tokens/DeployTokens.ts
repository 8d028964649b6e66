import {
  AuthenticationError,
  InputError,
  NotAllowedError,
} from '@backstage/errors';
import type { DeployToken, DeployTokenStore } from './DeployTokenStore';
import type { TokenHasher } from './TokenHasher';
import { TooManyRequestsError } from '../service/requestErrors';
import { RefusedAttempts } from './RefusedAttempts';
import { isCalendarDate } from '../validation/calendarDate';

/** Longest description of a token. */
const MAX_DESCRIPTION = 256;

/** How long tokens live: `dockerEnv.deployments.tokenLifetimeDays` (default 90) and `tokenMaxLifetimeDays` (365). */
export interface TokenLifetime {
  defaultDays: number;
  maxDays: number;
}

/** The lifetimes when config sets none. */
export const DEFAULT_TOKEN_LIFETIME: TokenLifetime = {
  defaultDays: 90,
  maxDays: 365,
};

const DAY_MS = 86_400_000;

/** Midnight UTC `days` after the start of `now`'s day: a token valid through that many whole days after today. */
function endOfDayIn(now: Date, days: number): Date {
  const today = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate(),
  );
  return new Date(today + (days + 1) * DAY_MS);
}

/** How a token use ended, for the audit trail (the token itself never appears). */
export interface TokenUse {
  tokenId: string | null;
  /** Null when the request named an environment that does not exist. */
  environmentId: string | null;
  result: 'succeeded' | 'refused';
  reason?: string;
}

/** Whether a token's creator may still update the environment (as the permission policy decides it). */
export type CreatorAccess = (
  creator: string,
  environmentId: string,
) => Promise<boolean>;

/** Options of {@link DeployTokens}. */
export interface DeployTokensOptions {
  /** The lifetimes token creations get (config). */
  lifetime?: TokenLifetime;
  /** Asked at every use; without it the creator is not re-checked (tests of the token mechanics). */
  creatorAccess?: CreatorAccess;
  /** Refused attempts per client address and minute before 429. */
  refusedAttempts?: RefusedAttempts;
}

/**
 * Deployment tokens: issue (the token is returned once), list, revoke, and verify a presented token for one
 * environment. Every verification is reported to `onUse` (the audit trail), except refusals of an address past its
 * per-minute limit, which are reported once per minute.
 */
export class DeployTokens {
  /** The lifetimes token creations get (config). */
  readonly lifetime: TokenLifetime;
  private readonly creatorAccess?: CreatorAccess;
  private readonly refusedAttempts: RefusedAttempts;

  constructor(
    private readonly store: DeployTokenStore,
    private readonly hasher: TokenHasher,
    private readonly onUse: (use: TokenUse) => Promise<void>,
    options: DeployTokensOptions = {},
  ) {
    this.lifetime = options.lifetime ?? DEFAULT_TOKEN_LIFETIME;
    this.creatorAccess = options.creatorAccess;
    this.refusedAttempts = options.refusedAttempts ?? new RefusedAttempts();
  }

  /**
   * Checks the request body of a token creation: `description` (optional text) and `expiresOn` (optional calendar
   * date, at most `lifetime.maxDays` from today; without it, or null, the token expires `lifetime.defaultDays` from
   * today). Every token expires.
   */
  static parseRequest(
    body: unknown,
    now = new Date(),
    lifetime: TokenLifetime = DEFAULT_TOKEN_LIFETIME,
  ): { description: string; expiresAt: Date } {
    const b = (body ?? {}) as { description?: unknown; expiresOn?: unknown };
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new InputError('body: must be a JSON object');
    if (
      b.description !== undefined &&
      (typeof b.description !== 'string' ||
        b.description.length > MAX_DESCRIPTION)
    )
      throw new InputError(
        `description: must be text of at most ${MAX_DESCRIPTION} characters`,
      );
    let expiresAt = endOfDayIn(
      now,
      Math.min(lifetime.defaultDays, lifetime.maxDays),
    );
    if (b.expiresOn !== undefined && b.expiresOn !== null) {
      if (!isCalendarDate(b.expiresOn))
        throw new InputError('expiresOn: must be a date YYYY-MM-DD');
      // valid through the whole day (UTC)
      expiresAt = new Date(Date.parse(`${b.expiresOn}T00:00:00Z`) + DAY_MS);
      if (expiresAt <= now)
        throw new InputError('expiresOn: must be today or later');
      if (expiresAt > endOfDayIn(now, lifetime.maxDays))
        throw new InputError(
          `expiresOn: must be at most ${lifetime.maxDays} days from today (dockerEnv.deployments.tokenMaxLifetimeDays)`,
        );
    }
    return { description: (b.description as string) ?? '', expiresAt };
  }

  async create(input: {
    environmentId: string;
    description: string;
    expiresAt: Date | null;
    createdBy: string;
  }): Promise<DeployToken & { token: string }> {
    const issued = await this.hasher.issue();
    const stored = await this.store.insert({
      ...input,
      id: issued.id,
      hash: issued.hash,
    });
    return { ...stored, token: issued.token };
  }

  list(environmentId: string): Promise<DeployToken[]> {
    return this.store.list(environmentId);
  }

  revoke(environmentId: string, id: string, by: string): Promise<boolean> {
    return this.store.revoke(environmentId, id, by);
  }

  /**
   * The token presented for `environmentId`: 401 when it is missing, unknown, wrong, revoked or expired; 403 when
   * it belongs to another environment (or the request names none that exists: the token is checked first, so a
   * caller without a valid token learns nothing about which environments exist) or its creator lost access. A
   * refusal names the token only once the secret part matched. Past the limit of refused attempts of `address`,
   * refusals are 429 (a valid token is always served).
   */
  async verify(
    presented: string | undefined,
    environmentId: string | null,
    context: { address?: string; now?: Date } = {},
  ): Promise<DeployToken> {
    const now = context.now ?? new Date();
    const id = presented ? this.hasher.idOf(presented) : undefined;
    const refuse = async (error: Error, tokenId: string | null) => {
      const counted = this.refusedAttempts.count(
        context.address ?? 'unknown',
        now.getTime(),
      );
      if (counted.state === 'under') {
        await this.onUse({
          tokenId,
          environmentId,
          result: 'refused',
          reason: error.message,
        });
        return error;
      }
      const limited = new TooManyRequestsError(
        `X-Deploy-Token: more than ${this.refusedAttempts.limit} refused attempts from this address within a minute; retry after ${counted.retryAfterSeconds} s`,
        counted.retryAfterSeconds,
      );
      if (counted.state === 'first-over')
        await this.onUse({
          tokenId: null,
          environmentId,
          result: 'refused',
          reason: `${
            limited.message
          }; the further refusals of this minute are not recorded one by one (address ${
            context.address ?? 'unknown'
          })`,
        });
      return limited;
    };
    const unknown = () =>
      new AuthenticationError('X-Deploy-Token: unknown token');
    if (!presented || !id)
      throw await refuse(
        new AuthenticationError(
          'X-Deploy-Token: missing or not a deployment token',
        ),
        null,
      );
    const found = await this.store.getWithHash(id);
    if (!found) {
      this.hasher.burn(presented);
      throw await refuse(unknown(), null);
    }
    let scrypt = this.hasher.isScrypt(found.hash);
    if (scrypt && !this.hasher.hasSecret()) {
      // no secret configured (a development start): scrypt is the only hash, checked first
      if (!(await this.hasher.scryptMatches(presented, found.hash)))
        throw await refuse(unknown(), null);
      scrypt = false;
    } else if (scrypt) this.hasher.burn(presented);
    else if (!this.hasher.hmacMatches(presented, found.hash))
      throw await refuse(unknown(), null);
    // a scrypt-hashed token is not proven yet: its refusals stay anonymous and it reaches scrypt only if all pass
    const named = (error: Error) =>
      refuse(scrypt ? unknown() : error, scrypt ? null : id);
    const { token } = found;
    if (token.revokedAt)
      throw await named(
        new AuthenticationError('X-Deploy-Token: the token was revoked'),
      );
    if (token.expiresAt && new Date(token.expiresAt) <= now)
      throw await named(
        new AuthenticationError(
          `X-Deploy-Token: the token expired at ${token.expiresAt}`,
        ),
      );
    if (token.environmentId !== environmentId)
      throw await named(
        new NotAllowedError(
          'X-Deploy-Token: the token belongs to another environment',
        ),
      );
    if (
      this.creatorAccess &&
      !(await this.creatorAccess(token.createdBy, token.environmentId))
    )
      throw await named(
        new NotAllowedError(
          "X-Deploy-Token: the token's creator no longer has access",
        ),
      );
    if (scrypt) {
      if (!(await this.hasher.scryptMatches(presented, found.hash)))
        throw await refuse(unknown(), null);
      const rehashed = this.hasher.currentHash(presented);
      if (rehashed) await this.store.rehash(id, rehashed);
    }
    await this.store.markUsed(id, now);
    await this.onUse({ tokenId: id, environmentId, result: 'succeeded' });
    return { ...token, lastUsedAt: now.toISOString() };
  }
}
