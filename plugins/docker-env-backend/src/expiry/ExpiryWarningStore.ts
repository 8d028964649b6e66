import type { Knex } from 'knex';

/** One warning sent for one expiry date of an environment. */
export interface ExpiryWarning {
  environmentId: string;
  /** `YYYY-MM-DD`. */
  expiresOn: string;
  /** `7d` or `1d`. */
  warning: string;
  sentAt: Date;
}

/** The `expiry_warnings` table: which warnings were sent, so a rerun of the expiry task never repeats one. */
export interface ExpiryWarningStore {
  /** Records the warning unless it was recorded already; true when this call recorded it. */
  recordOnce(warning: ExpiryWarning): Promise<boolean>;
}

/** The knex implementation of {@link ExpiryWarningStore}. */
export class DatabaseExpiryWarningStore implements ExpiryWarningStore {
  constructor(private readonly db: Knex) {}

  async recordOnce(warning: ExpiryWarning): Promise<boolean> {
    const inserted = await this.db('expiry_warnings')
      .insert({
        environment_id: warning.environmentId,
        expires_on: warning.expiresOn,
        warning: warning.warning,
        sent_at: warning.sentAt,
      })
      .onConflict(['environment_id', 'expires_on', 'warning'])
      .ignore()
      .returning('environment_id');
    // SQLite answers the ignored insert with no row as well
    return inserted.length > 0;
  }
}
