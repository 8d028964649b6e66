import type { Knex } from 'knex';

const TABLE = 'deployment_secrets';

/** The `deployment_secrets` table (migration 20261207040000): sealed text only, never a clear value. */
export interface DeploymentSecretStore {
  put(ref: string, sealed: string, now?: Date): Promise<void>;
  get(ref: string): Promise<string | undefined>;
  delete(ref: string): Promise<void>;
  /** Removes what was left behind by rollouts that never ended (a lost database row of theirs); returns how many. */
  deleteOlderThan(cutoff: Date): Promise<number>;
}

/** The knex implementation of {@link DeploymentSecretStore}. */
export class DatabaseDeploymentSecretStore implements DeploymentSecretStore {
  constructor(private readonly db: Knex) {}

  async put(ref: string, sealed: string, now = new Date()): Promise<void> {
    await this.db(TABLE).insert({ ref, sealed, created_at: now });
  }

  async get(ref: string): Promise<string | undefined> {
    const row = await this.db(TABLE).where({ ref }).first('sealed');
    return row?.sealed;
  }

  async delete(ref: string): Promise<void> {
    await this.db(TABLE).where({ ref }).delete();
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    return this.db(TABLE).where('created_at', '<', cutoff).delete();
  }
}
