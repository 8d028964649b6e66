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
 * `dockerEnv.deployments.tokenSecret` when that is configured (fast, keyed: a stolen table is useless without the
 * secret), scrypt with a per-token salt otherwise (slow). Comparison is constant-time.
 */
export class TokenHasher {
  static fromConfig(config: Config): TokenHasher {
    return new TokenHasher(
      config.getOptionalString('dockerEnv.deployments.tokenSecret'),
    );
  }

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
    return { id: uuidOf(hex), token, hash: await this.hash(token) };
  }

  /** The id a token names, or undefined when it is not shaped like one of ours. */
  idOf(token: string): string | undefined {
    const m = TOKEN.exec(token);
    return m ? uuidOf(m[1]) : undefined;
  }

  /** True when `token` matches the stored `hash` (constant-time). */
  async matches(token: string, hash: string): Promise<boolean> {
    const [kind, ...rest] = hash.split('$');
    let expected: Buffer;
    let actual: Buffer;
    if (kind === 'hmac-sha256' && this.secret !== undefined) {
      expected = Buffer.from(rest[0] ?? '', 'hex');
      actual = this.hmac(token);
    } else if (kind === 'scrypt' && rest.length === 2) {
      expected = Buffer.from(rest[1], 'hex');
      actual = await scrypt(token, Buffer.from(rest[0], 'hex'), 32);
    } else {
      return false;
    }
    return (
      expected.length === actual.length && timingSafeEqual(expected, actual)
    );
  }

  private async hash(token: string): Promise<string> {
    if (this.secret !== undefined)
      return `hmac-sha256$${this.hmac(token).toString('hex')}`;
    const salt = randomBytes(16);
    const derived = await scrypt(token, salt, 32);
    return `scrypt$${salt.toString('hex')}$${derived.toString('hex')}`;
  }

  private hmac(token: string): Buffer {
    return createHmac('sha256', this.secret!).update(token).digest();
  }
}
