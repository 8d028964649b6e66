import type { Knex } from 'knex';
import { DatabaseDockerEnvStore, type DockerEnvStore } from '../store';
import { FinalBackup, FinalBackupStore } from './FinalBackupStore';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A final backup as the API lists it: with the moment retention prunes it. */
export type ListedFinalBackup = FinalBackup & { expiresAt: string };

/** The final backups for the routes: reads, and a transaction over the records and the backups together. */
export class FinalBackups {
  constructor(
    private readonly db: Knex,
    private readonly retentionDays: number,
  ) {}

  /** The backups not pruned yet, newest first. */
  async list(): Promise<ListedFinalBackup[]> {
    return (await new FinalBackupStore(this.db).listLive()).map(b =>
      this.withExpiry(b),
    );
  }

  /** One backup not pruned yet. */
  async get(id: string): Promise<ListedFinalBackup | undefined> {
    const backup = await new FinalBackupStore(this.db).get(id);
    return backup && this.withExpiry(backup);
  }

  /** Runs `fn` in one transaction with the store and the backups on it. */
  transaction<T>(
    fn: (store: DockerEnvStore, backups: FinalBackupStore) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(trx =>
      fn(DatabaseDockerEnvStore.inTransaction(trx), new FinalBackupStore(trx)),
    );
  }

  private withExpiry(backup: FinalBackup): ListedFinalBackup {
    const expires = Date.parse(backup.createdAt) + this.retentionDays * DAY_MS;
    return { ...backup, expiresAt: new Date(expires).toISOString() };
  }
}
