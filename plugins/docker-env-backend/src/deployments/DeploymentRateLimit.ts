import type { OperationStore } from '../operations/OperationStore';
import type { DeployTokenStore } from '../tokens/DeployTokenStore';

/** Deployments one token owner may start per hour. */
export const DEPLOYMENTS_PER_HOUR = 10;
const HOUR_MS = 3_600_000;

/**
 * 10 deployments per token owner per rolling hour, counted from the `operations` table (kind `deploy`,
 * `requested_by` the owner), so every replica on the same database sees the same count. Counted in the transaction
 * that queues the deployment, after locking the owner's tokens, so two concurrent requests count each other.
 */
export class DeploymentRateLimit {
  constructor(private readonly limit = DEPLOYMENTS_PER_HOUR) {}

  /**
   * Undefined when `owner` may deploy now; otherwise the seconds until the oldest deployment leaves the hour. `tx`:
   * the queuing transaction's stores.
   */
  async retryAfterSeconds(
    tx: {
      operations(): Pick<OperationStore, 'deployTimes'>;
      tokens(): Pick<DeployTokenStore, 'lockOwner'>;
    },
    owner: string,
    now = new Date(),
  ): Promise<number | undefined> {
    await tx.tokens().lockOwner(owner);
    const since = new Date(now.getTime() - HOUR_MS);
    const times = await tx.operations().deployTimes(owner, since, this.limit);
    if (times.length < this.limit) return undefined;
    const oldest = times[times.length - 1].getTime();
    return Math.max(1, Math.ceil((oldest + HOUR_MS - now.getTime()) / 1000));
  }
}
