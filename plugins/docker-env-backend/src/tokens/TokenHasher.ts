import type { Config } from '@backstage/config';
import {
  createHmac,
  randomBytes,
  scrypt as scryptCallback,
  timingSafeEqual,
} from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
) => Promise<Buffer>;

/** Prefix of every deployment token (helps secret scanners and people recognise one). */
export const TOKEN_PREFIX = 'dep_';

const TOKEN = /^dep_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

/** A freshly issued token: `token` is shown once; only `hash` is stored. */
export interface IssuedToken {
  id: string;
  token: string;
  hash: string;
}

/** A token id as the store keeps it (a UUID) from the 32 hex digits inside the token. */
function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(
    12,
    16,
  )}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Issues and checks deployment tokens `dep_<id>_<secret>`. The stored hash is HMAC-SHA256 under
 * `dockerEnv.deployments.tokenSecret` (fast, keyed: a stolen table is useless without the secret); production
 * requires the secret. Without it (tests, a development start) new tokens get scrypt with a per-token salt.
 *
 * Every presented token costs one HMAC, whether its id is known or not ({@link hmacMatches} or {@link burn}), so the
 * answer's timing does not tell which ids exist. Tokens issued before the secret was required carry a scrypt hash:
 * {@link scryptMatches} checks them once, on a use that passed every other check, and the caller rehashes them with
 * {@link currentHash}. Comparisons are constant-time.
 */
export class TokenHasher {
  static fromConfig(config: Config): TokenHasher {
    return new TokenHasher(
      config.getOptionalString('dockerEnv.deployments.tokenSecret'),
    );
  }

  /** The key of {@link burn} when no secret is configured, so an unknown id still costs an HMAC. */
  private readonly burnKey = randomBytes(32);

  constructor(private readonly secret?: string) {
    if (secret !== undefined && secret.length < 32)
      throw new Error(
        'dockerEnv.deployments.tokenSecret: must be at least 32 characters',
      );
  }

  /** A new token with its id and the hash to store. */
  async issue(): Promise<IssuedToken> {
    const hex = randomBytes(16).toString('hex');
    const token = `${TOKEN_PREFIX}${hex}_${randomBytes(32).toString(
      'base64url',
    )}`;
    return {
      id: uuidOf(hex),
      token,
      hash: this.currentHash(token) ?? (await this.scryptHash(token)),
    };
  }

  /** The id a token names, or undefined when it is not shaped like one of ours. */
  idOf(token: string): string | undefined {
    const m = TOKEN.exec(token);
    return m ? uuidOf(m[1]) : undefined;
  }

  /** True when `dockerEnv.deployments.tokenSecret` is configured (production requires it). */
  hasSecret(): boolean {
    return this.secret !== undefined;
  }

  /** True when `hash` predates the HMAC (or no secret is configured): only {@link scryptMatches} can check it. */
  isScrypt(hash: string): boolean {
    return hash.startsWith('scrypt$');
  }

  /** True when `token` matches the stored HMAC `hash` (constant-time); false for any other kind of hash. */
  hmacMatches(token: string, hash: string): boolean {
    const [kind, hex] = hash.split('$');
    const actual = this.hmac(token);
    const expected = Buffer.from(
      kind === 'hmac-sha256' && this.secret !== undefined ? hex ?? '' : '',
      'hex',
    );
    return (
      expected.length === actual.length && timingSafeEqual(expected, actual)
    );
  }

  /** The same HMAC as {@link hmacMatches}, for a token whose id is unknown: the refusal costs what a check costs. */
  burn(token: string): void {
    timingSafeEqual(this.hmac(token), this.hmac(token));
  }

  /** True when `token` matches the stored scrypt `hash` (about 40 ms: only after every other check passed). */
  async scryptMatches(token: string, hash: string): Promise<boolean> {
    const [kind, salt, hex] = hash.split('$');
    if (kind !== 'scrypt' || !salt || !hex) return false;
    const expected = Buffer.from(hex, 'hex');
    const actual = await scrypt(token, Buffer.from(salt, 'hex'), 32);
    return (
      expected.length === actual.length && timingSafeEqual(expected, actual)
    );
  }

  /** The HMAC hash to store for `token`, or undefined without a configured secret. */
  currentHash(token: string): string | undefined {
    return this.secret === undefined
      ? undefined
      : `hmac-sha256$${this.hmac(token).toString('hex')}`;
  }

  private async scryptHash(token: string): Promise<string> {
    const salt = randomBytes(16);
    const derived = await scrypt(token, salt, 32);
    return `scrypt$${salt.toString('hex')}$${derived.toString('hex')}`;
  }

  private hmac(token: string): Buffer {
    return createHmac('sha256', this.secret ?? this.burnKey)
      .update(token)
      .digest();
  }
}
