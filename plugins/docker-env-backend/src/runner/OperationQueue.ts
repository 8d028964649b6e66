import type { DockerEnvStore } from '../store/types';
import type { ClaimFence, OperationChange } from '../operations/OperationStore';
import {
  OperationClaim,
  OperationEndedHook,
  OperationRecord,
  OperationStepRecord,
  OperationStepStatus,
} from './types';

/** Thrown by a write when this runner no longer holds the operation's claim (its lease expired and another took it). */
export class LostClaimError extends Error {
  name = 'LostClaimError';
  constructor(operationId: string) {
    super(`the claim on operation ${operationId} was lost`);
  }
}

/** Options of {@link OperationQueue}. */
export interface OperationQueueOptions {
  /** Who claims: unique per runner instance (a backend replica, or a restart of one). */
  ownerId: string;
  /** How long a claim lasts without a heartbeat; another runner takes the operation over after it. */
  leaseMs: number;
  /** The clock, replaceable in tests. */
  now?: () => Date;
}

/**
 * The operations and their steps as the runner sees them, through the operations' store: claims with a lease, step
 * records before and after each step, and the end of an operation. Every write after the claim is fenced by the
 * claim (owner and attempt), so it is correct with several backend replicas on one PostgreSQL as well as on SQLite.
 */
export class OperationQueue {
  readonly ownerId: string;
  readonly leaseMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly store: DockerEnvStore,
    options: OperationQueueOptions,
  ) {
    this.ownerId = options.ownerId;
    this.leaseMs = options.leaseMs;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Claims the oldest operation that is queued or whose claim expired, or returns undefined when there is none.
   * A compare-and-set `UPDATE` per candidate decides between racing runners: exactly one of them changes the row.
   */
  async claimNext(): Promise<OperationClaim | undefined> {
    for (let round = 0; round < 3; round++) {
      const now = this.now();
      const candidates = await this.store.operations().claimableIds(now, 10);
      for (const id of candidates) {
        const claim = await this.tryClaim(id, now);
        if (claim) return claim;
      }
      if (candidates.length === 0) return undefined;
    }
    return undefined;
  }

  /** Claims one given operation if it is queued or its claim expired. */
  async tryClaim(
    operationId: string,
    now: Date = this.now(),
  ): Promise<OperationClaim | undefined> {
    const operation = await this.store.operations().claim(operationId, {
      ownerId: this.ownerId,
      now,
      expiresAt: this.expiry(now),
    });
    if (!operation) return undefined;
    return { operation, ownerId: this.ownerId, attempts: operation.attempts };
  }

  /** The operation's recorded steps in order. */
  async steps(operationId: string): Promise<OperationStepRecord[]> {
    return this.store.operations().listSteps(operationId);
  }

  /** Records the planned steps as `pending` (once: a resumed operation keeps its records) and returns the records. */
  async plan(
    claim: OperationClaim,
    names: string[],
  ): Promise<OperationStepRecord[]> {
    return this.store.transaction(async tx => {
      await this.fence(tx, claim);
      const operations = tx.operations();
      const existing = await operations.listSteps(claim.operation.id);
      if (existing.length > 0) return existing;
      await operations.insertSteps(claim.operation.id, names);
      return operations.listSteps(claim.operation.id);
    });
  }

  /** Records a step's new status (with its facts, error and times); fenced by the claim. */
  async updateStep(
    claim: OperationClaim,
    position: number,
    change: {
      status: OperationStepStatus;
      facts?: Record<string, unknown>;
      error?: string | null;
      started?: boolean;
      ended?: boolean;
    },
  ): Promise<void> {
    const now = this.now();
    await this.store.transaction(async tx => {
      await this.fence(tx, claim);
      await tx
        .operations()
        .updateStep(claim.operation.id, position, change, now);
    });
  }

  /** Records why the operation is being rolled back, before the undo starts, so a resumed runner continues the undo. */
  async recordFailure(
    claim: OperationClaim,
    failedStep: string | null,
    error: string,
  ): Promise<void> {
    await this.store.transaction(async tx => {
      await this.fence(tx, claim, { failedStep, error });
    });
    claim.operation.failedStep = failedStep;
    claim.operation.error = error;
  }

  /** Extends the lease; throws {@link LostClaimError} when another runner took the operation over. */
  async heartbeat(claim: OperationClaim): Promise<void> {
    await this.fence(this.store, claim);
  }

  /** Gives the claim up at once (on shutdown), so another runner resumes the operation without waiting for the lease. */
  async release(claim: OperationClaim): Promise<void> {
    await this.store
      .operations()
      .release(this.fenceOf(claim), new Date(this.now().getTime() - 1));
  }

  /**
   * Ends the operation and, in the same transaction, calls `onEnded` so the environment record moves on with it.
   * Steps never reached are marked `skipped`.
   */
  async finish(
    claim: OperationClaim,
    outcome: {
      status: 'succeeded' | 'failed' | 'rolled_back';
      result?: Record<string, unknown>;
      error?: string | null;
      failedStep?: string | null;
    },
    onEnded?: OperationEndedHook,
  ): Promise<OperationRecord> {
    const now = this.now();
    return this.store.transaction(async tx => {
      await this.fence(
        tx,
        claim,
        {
          status: outcome.status,
          result: outcome.result ?? null,
          ...(outcome.error !== undefined && { error: outcome.error }),
          ...(outcome.failedStep !== undefined && {
            failedStep: outcome.failedStep,
          }),
          endedAt: now,
        },
        null,
      );
      await tx.operations().skipPendingSteps(claim.operation.id);
      const operation = (await tx.operations().getRecord(claim.operation.id))!;
      if (onEnded) await onEnded(operation, tx);
      return operation;
    });
  }

  private expiry(now: Date) {
    return new Date(now.getTime() + this.leaseMs);
  }

  private fenceOf(claim: OperationClaim): ClaimFence {
    return {
      operationId: claim.operation.id,
      ownerId: this.ownerId,
      attempts: claim.attempts,
    };
  }

  /**
   * Extends the lease (or, with `expiresAt` null, ends it) plus any other change to the operation row, or throws when
   * the claim is no longer ours.
   */
  private async fence(
    store: DockerEnvStore,
    claim: OperationClaim,
    change: OperationChange = {},
    expiresAt: Date | null = this.expiry(this.now()),
  ) {
    const held = await store
      .operations()
      .fence(this.fenceOf(claim), expiresAt, change);
    if (!held) throw new LostClaimError(claim.operation.id);
  }
}
