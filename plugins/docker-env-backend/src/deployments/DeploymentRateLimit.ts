import type { Knex } from 'knex';

/** Deployments one token owner may start per hour. */
export const DEPLOYMENTS_PER_HOUR = 10;
const HOUR_MS = 3_600_000;

/**
 * 10 deployments per token owner per rolling hour, counted from the `operations` table (kind `deploy`,
 * `requested_by` the owner), so every replica on the same database sees the same count.
 */
export class DeploymentRateLimit {
  constructor(
    private readonly db: Knex,
    private readonly limit = DEPLOYMENTS_PER_HOUR,
  ) {}

  /** Undefined when `owner` may deploy now; otherwise the seconds until the oldest deployment leaves the hour. */
  async retryAfterSeconds(
    owner: string,
    now = new Date(),
  ): Promise<number | undefined> {
    const since = new Date(now.getTime() - HOUR_MS);
    const rows: Array<{ created_at: Date | string | number }> = await this.db(
      'operations',
    )
      .where({ kind: 'deploy', requested_by: owner })
      .andWhere('created_at', '>', since)
      .orderBy('created_at', 'desc')
      .limit(this.limit)
      .select('created_at');
    if (rows.length < this.limit) return undefined;
    const oldest = new Date(rows[rows.length - 1].created_at).getTime();
    return Math.max(1, Math.ceil((oldest + HOUR_MS - now.getTime()) / 1000));
  }
}
