import type { Knex } from 'knex';
import { readTimestamp } from '../store/rows';

/** A deployment token as the API shows it (never the token, never its hash). */
export interface DeployToken {
  id: string;
  environmentId: string;
  description: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface Row {
  id: string;
  environment_id: string;
  description: string;
  hash: string;
  created_by: string;
  created_at: Date | string | number;
  expires_at: Date | string | number | null;
  last_used_at: Date | string | number | null;
  revoked_at: Date | string | number | null;
  revoked_by: string | null;
}

const TABLE = 'deploy_tokens';

function toToken(row: Row): DeployToken {
  return {
    id: row.id,
    environmentId: row.environment_id,
    description: row.description,
    createdBy: row.created_by,
    createdAt: readTimestamp(row.created_at)!,
    expiresAt: readTimestamp(row.expires_at),
    lastUsedAt: readTimestamp(row.last_used_at),
    revokedAt: readTimestamp(row.revoked_at),
  };
}

/** The `deploy_tokens` table (migration 20261202030000): hashes only. */
export interface DeployTokenStore {
  insert(input: {
    id: string;
    environmentId: string;
    description: string;
    hash: string;
    createdBy: string;
    expiresAt: Date | null;
    now?: Date;
  }): Promise<DeployToken>;
  /** The environment's tokens, newest first (revoked ones too, with `revokedAt`). */
  list(environmentId: string): Promise<DeployToken[]>;
  /** The token and its stored hash, for verification only. */
  getWithHash(
    id: string,
  ): Promise<{ token: DeployToken; hash: string } | undefined>;
  /** Revokes a token of the environment; false when there is none (or it already was). */
  revoke(
    environmentId: string,
    id: string,
    by: string,
    now?: Date,
  ): Promise<boolean>;
  /** Records the token's last use. */
  markUsed(id: string, now?: Date): Promise<void>;
  /** Replaces a token's stored hash (a scrypt hash by its HMAC, on its first use after the change). */
  rehash(id: string, hash: string): Promise<void>;
  /**
   * Locks the tokens of `createdBy` until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite serialises writes),
   * so two deployments of one owner count each other against the hourly limit.
   */
  lockOwner(createdBy: string): Promise<void>;
}

/** The knex implementation of {@link DeployTokenStore}, on SQLite or PostgreSQL. */
export class DatabaseDeployTokenStore implements DeployTokenStore {
  constructor(private readonly db: Knex) {}

  async insert(input: {
    id: string;
    environmentId: string;
    description: string;
    hash: string;
    createdBy: string;
    expiresAt: Date | null;
    now?: Date;
  }): Promise<DeployToken> {
    const row: Row = {
      id: input.id,
      environment_id: input.environmentId,
      description: input.description,
      hash: input.hash,
      created_by: input.createdBy,
      created_at: input.now ?? new Date(),
      expires_at: input.expiresAt,
      last_used_at: null,
      revoked_at: null,
      revoked_by: null,
    };
    await this.db<Row>(TABLE).insert(row);
    return toToken(row);
  }

  /** The environment's tokens, newest first (revoked ones too, with `revokedAt`). */
  async list(environmentId: string): Promise<DeployToken[]> {
    const rows = await this.db<Row>(TABLE)
      .where({ environment_id: environmentId })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(toToken);
  }

  /** The token and its stored hash, for verification only. */
  async getWithHash(
    id: string,
  ): Promise<{ token: DeployToken; hash: string } | undefined> {
    const row = await this.db<Row>(TABLE).where({ id }).first();
    return row ? { token: toToken(row), hash: row.hash } : undefined;
  }

  /** Revokes a token of the environment; false when there is none (or it already was). */
  async revoke(
    environmentId: string,
    id: string,
    by: string,
    now = new Date(),
  ): Promise<boolean> {
    const changed = await this.db<Row>(TABLE)
      .where({ id, environment_id: environmentId, revoked_at: null })
      .update({ revoked_at: now, revoked_by: by });
    return changed > 0;
  }

  async markUsed(id: string, now = new Date()): Promise<void> {
    await this.db<Row>(TABLE).where({ id }).update({ last_used_at: now });
  }

  async rehash(id: string, hash: string): Promise<void> {
    await this.db<Row>(TABLE).where({ id }).update({ hash });
  }

  async lockOwner(createdBy: string): Promise<void> {
    const query = this.db<Row>(TABLE)
      .where({ created_by: createdBy })
      .select('id');
    if (this.db.client.config.client === 'pg') query.forUpdate();
    await query;
  }
}
