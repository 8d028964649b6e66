import type { Config } from '@backstage/config';
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
} from 'node:crypto';

/** The config key of the current encryption key; `previousSecretsKeys` holds the ones rotated out. */
export const SECRETS_KEY = 'dockerEnv.deployments.secretsKey';
export const PREVIOUS_SECRETS_KEYS =
  'dockerEnv.deployments.previousSecretsKeys';

const FORMAT = 'v1';

interface Key {
  id: string;
  bytes: Buffer;
}

function keyOf(secret: string, key: string): Key {
  if (secret.length < 32)
    throw new Error(`${key}: must be at least 32 characters`);
  const bytes = createHash('sha256').update(secret).digest();
  // the id names the key in the sealed text (so a rotation knows which key opens it) without revealing it
  const id = createHash('sha256')
    .update('docker-env key id')
    .update(bytes)
    .digest('hex')
    .slice(0, 12);
  return { id, bytes };
}

/**
 * Seals and opens small secrets with AES-256-GCM under the key of `dockerEnv.deployments.secretsKey`. Rotation: put
 * the old key into `previousSecretsKeys` and a new one into `secretsKey`; what was sealed before still opens (the
 * sealed text names its key), what is sealed after uses the new key. Without a configured key (tests, a development
 * start; production refuses to start) a random key of this process is used, so sealed values do not survive it.
 */
export class SecretBox {
  static fromConfig(config: Config): SecretBox {
    const current = config.getOptionalString(SECRETS_KEY);
    const previous = config.getOptionalStringArray(PREVIOUS_SECRETS_KEYS) ?? [];
    return new SecretBox(current ?? randomBytes(32).toString('hex'), previous);
  }

  private readonly current: Key;
  private readonly keys: Map<string, Key>;

  constructor(current: string, previous: string[] = []) {
    this.current = keyOf(current, SECRETS_KEY);
    this.keys = new Map(
      [this.current, ...previous.map(p => keyOf(p, PREVIOUS_SECRETS_KEYS))].map(
        k => [k.id, k],
      ),
    );
  }

  /** `value` as JSON, encrypted and authenticated: `v1:<key id>:<iv>:<tag>:<ciphertext>` (base64url parts). */
  seal(value: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.bytes, iv);
    const body = Buffer.concat([
      cipher.update(JSON.stringify(value), 'utf8'),
      cipher.final(),
    ]);
    return [
      FORMAT,
      this.current.id,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join(':');
  }

  /** The value `sealed` holds; throws when no configured key opens it or it was altered. */
  open<T = unknown>(sealed: string): T {
    const [format, id, iv, tag, body] = sealed.split(':');
    const key = this.keys.get(id ?? '');
    if (format !== FORMAT || !key)
      throw new Error(
        `sealed with key ${
          id ?? '?'
        } which is neither ${SECRETS_KEY} nor in ${PREVIOUS_SECRETS_KEYS}`,
      );
    const decipher = createDecipheriv(
      'aes-256-gcm',
      key.bytes,
      Buffer.from(iv ?? '', 'base64url'),
    );
    decipher.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(body ?? '', 'base64url')),
      decipher.final(),
    ]);
    return JSON.parse(plain.toString('utf8')) as T;
  }
}
