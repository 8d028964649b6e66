import type { DockerEnvStore } from '../store/types';
import type { FinalBackup, FinalBackupStore } from './FinalBackupStore';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A final backup as the API lists it: with the moment retention prunes it. */
export type ListedFinalBackup = FinalBackup & { expiresAt: string };

/** The final backups for the routes: reads, and a transaction over the records and the backups together. */
export class FinalBackups {
  constructor(
    private readonly store: DockerEnvStore,
    private readonly retentionDays: number,
  ) {}

  /** The backups not pruned yet, newest first. */
  async list(): Promise<ListedFinalBackup[]> {
    return (await this.store.finalBackups().listLive()).map(b =>
      this.withExpiry(b),
    );
  }

  /** One backup not pruned yet. */
  async get(id: string): Promise<ListedFinalBackup | undefined> {
    const backup = await this.store.finalBackups().get(id);
    return backup && this.withExpiry(backup);
  }

  /** Runs `fn` in one transaction with the store and the backups on it. */
  transaction<T>(
    fn: (store: DockerEnvStore, backups: FinalBackupStore) => Promise<T>,
  ): Promise<T> {
    return this.store.transaction(tx => fn(tx, tx.finalBackups()));
  }

  private withExpiry(backup: FinalBackup): ListedFinalBackup {
    const expires = Date.parse(backup.createdAt) + this.retentionDays * DAY_MS;
    return { ...backup, expiresAt: new Date(expires).toISOString() };
  }
}
