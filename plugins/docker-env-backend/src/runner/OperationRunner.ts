import type { LoggerService } from '@backstage/backend-plugin-api';
import type { OperationTarget } from '@docker-env/plugin-docker-env-workflows-node';
import { executeOperation } from './executeOperation';
import { LostClaimError, OperationQueue } from './OperationQueue';
import {
  OperationClaim,
  OperationAfterEndedHook,
  OperationEndedHook,
  OperationRecord,
  OperationRegistry,
} from './types';
import { RunnerStoppedError } from './withTimeout';

/** Options of {@link OperationRunner}. */
export interface OperationRunnerOptions {
  queue: OperationQueue;
  registry: OperationRegistry;
  /** Builds the steps' view of the environment from its record (read on every claim: nothing is kept in memory). */
  loadTarget(operation: OperationRecord): Promise<OperationTarget>;
  onOperationEnded?: OperationEndedHook;
  afterOperationEnded?: OperationAfterEndedHook;
  logger: LoggerService;
  /** Operations this runner runs at once (default 4). */
  concurrency?: number;
  /** How often it looks for queued and expired operations when not woken up (default 1000 ms). */
  pollIntervalMs?: number;
  /** Claims after which an interrupted step is rolled back rather than run again (default 3); at twice this it gives up. */
  maxAttempts?: number;
  /** How long `stop()` waits for running steps to finish before it aborts them and releases their claims (default 5 s). */
  shutdownGraceMs?: number;
}

interface Execution {
  claim: OperationClaim;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs operations from the queue: up to `concurrency` at once, each with a heartbeat that keeps its lease while a step
 * runs. Polls on an interval and when woken (a new operation was inserted in this process).
 */
export class OperationRunner {
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly maxAttempts: number;
  private readonly shutdownGraceMs: number;
  private readonly executions = new Map<string, Execution>();
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private pollAgain = false;
  private pollChain: Promise<unknown> = Promise.resolve();
  private started = false;
  private stopping = false;

  constructor(private readonly options: OperationRunnerOptions) {
    this.concurrency = options.concurrency ?? 4;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.shutdownGraceMs = options.shutdownGraceMs ?? 5000;
  }

  /** Starts polling; the first poll (which also recovers expired claims) happens at once. */
  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    this.wake();
  }

  /** Looks for work now (call after inserting an operation). */
  wake(): void {
    if (!this.started || this.stopping) return;
    this.schedule(0);
  }

  /**
   * Claims queued operations and operations whose claim expired while there are free slots, and starts them.
   * Returns how many it started.
   */
  poll(): Promise<number> {
    const next = this.pollChain.then(() => this.claimAndLaunch());
    this.pollChain = next.catch(() => 0);
    return next;
  }

  private async claimAndLaunch(): Promise<number> {
    let startedNow = 0;
    while (!this.stopping && this.executions.size < this.concurrency) {
      const claim = await this.options.queue.claimNext();
      if (!claim) break;
      this.launch(claim);
      startedNow++;
    }
    return startedNow;
  }

  /** Resolves once nothing is running and nothing is claimable (for tests and benchmarks). */
  async whenIdle(): Promise<void> {
    for (;;) {
      await Promise.all([...this.executions.values()].map(e => e.done));
      if ((await this.poll()) === 0 && this.executions.size === 0) return;
    }
  }

  /** Stops claiming; lets running steps finish for the grace period, then aborts them and releases their claims. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.polling;
    const all = () =>
      Promise.all([...this.executions.values()].map(e => e.done));
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      all(),
      new Promise(resolve => {
        graceTimer = setTimeout(resolve, this.shutdownGraceMs);
      }),
    ]);
    clearTimeout(graceTimer);
    for (const execution of this.executions.values()) {
      execution.controller.abort(new RunnerStoppedError());
    }
    await all();
  }

  private schedule(delayMs: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), delayMs);
  }

  private tick() {
    if (this.stopping) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = this.poll()
      .then(
        () => undefined,
        e => this.options.logger.error(`Polling for operations failed: ${e}`),
      )
      .finally(() => {
        this.polling = undefined;
        if (this.stopping) return;
        this.schedule(this.pollAgain ? 0 : this.pollIntervalMs);
        this.pollAgain = false;
      });
  }

  private launch(claim: OperationClaim) {
    const { queue, logger } = this.options;
    const controller = new AbortController();
    let lastBeat = Date.now();
    const heartbeat = setInterval(async () => {
      try {
        await queue.heartbeat(claim);
        lastBeat = Date.now();
      } catch (e) {
        if (
          e instanceof LostClaimError ||
          Date.now() - lastBeat > queue.leaseMs
        )
          controller.abort(new LostClaimError(claim.operation.id));
        else
          logger.warn(
            `Heartbeat of operation ${claim.operation.id} failed: ${e}`,
          );
      }
    }, Math.max(10, Math.floor(queue.leaseMs / 3)));
    const done = executeOperation(claim, {
      ...this.options,
      signal: controller.signal,
      stopping: () => this.stopping,
      maxAttempts: this.maxAttempts,
    })
      .then(
        () => undefined,
        e =>
          logger.error(
            `Operation ${claim.operation.id} stopped on an error; it is resumed when its claim expires: ${e}`,
          ),
      )
      .finally(() => {
        clearInterval(heartbeat);
        this.executions.delete(claim.operation.id);
        this.wake();
      });
    this.executions.set(claim.operation.id, { claim, controller, done });
  }
}
