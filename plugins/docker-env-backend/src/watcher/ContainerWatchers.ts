import type { LoggerService } from '@backstage/backend-plugin-api';
import type { DockerChannel } from '@docker-env/plugin-docker-env-workflows-node';
import {
  EnvironmentWatcher,
  type EnvironmentWatcherSettings,
} from './EnvironmentWatcher';
import type { ContainerFact } from './facts';
import type { PortalChanges } from './PortalChanges';
import type { WatchLeaseStore } from './WatchLeaseStore';
import type { WatcherStatus } from '@docker-env/plugin-docker-env-common';
import { WatcherMetrics } from './WatcherMetrics';

/**
 * Receives the container facts of every watched environment (one replica delivers each environment's facts, in
 * order; around a handover a fact may come twice, see docs/watcher.md).
 *
 * @public
 */
export interface ContainerFactSubscriber {
  /** Named in the log when it throws (its error does not stop the others or the watcher). */
  name: string;
  handle(fact: ContainerFact): Promise<void> | void;
}

/** An environment to watch: where its engine is. */
export interface WatchTarget {
  id: string;
  name: string;
  ip?: string;
  endpointId?: number;
}

/** What {@link ContainerWatchers} needs. */
export interface ContainerWatchersOptions {
  /** This replica's id, the lease owner. */
  ownerId: string;
  leases: WatchLeaseStore;
  /** The environments that should be watched now (ready, pausing, resuming: not paused, deleted, ...). */
  targets(): Promise<WatchTarget[]>;
  docker: DockerChannel;
  portal: Pick<PortalChanges, 'tag'>;
  subscribers: ContainerFactSubscriber[];
  leaseMs: number;
  settings: EnvironmentWatcherSettings;
  logger: LoggerService;
}

interface Held {
  target: WatchTarget;
  watcher: EnvironmentWatcher;
  /** Local time until which the lease is ours for sure. */
  heldUntil: number;
  /** The cursor last written to the lease. */
  writtenCursor: number | null;
}

function sameEngine(a: WatchTarget, b: WatchTarget) {
  return a.ip === b.ip && a.endpointId === b.endpointId;
}

/**
 * One replica's container watchers: every `leaseMs / 3` it extends its leases (writing each watcher's cursor), stops
 * the watchers of environments it lost or that should no longer be watched, and takes the leases of environments no
 * live replica holds, starting a watcher from the cursor the last holder left.
 */
export class ContainerWatchers {
  private readonly held = new Map<string, Held>();
  private readonly metrics = new WatcherMetrics();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private running = false;

  constructor(private readonly options: ContainerWatchersOptions) {}

  start(): void {
    this.running = true;
    const loop = async () => {
      await this.tick();
      if (this.running)
        this.timer = setTimeout(
          loop,
          Math.max(50, Math.floor(this.options.leaseMs / 3)),
        );
    };
    void loop();
  }

  /** Stops watching and gives every lease up, so another replica takes over at its next tick. */
  async stop(): Promise<void> {
    this.halt();
    await this.ticking?.catch(() => undefined);
    const cursors = this.cursors();
    this.held.clear();
    if (cursors.size)
      await this.options.leases.release(
        this.options.ownerId,
        cursors,
        new Date(),
      );
  }

  /** Stops every watcher without giving the leases up: what a replica that dies does (tests). */
  halt(): void {
    this.running = false;
    clearTimeout(this.timer);
    for (const h of this.held.values()) h.watcher.stop();
  }

  /** The ids of the environments this replica watches. */
  watched(): string[] {
    return [...this.held.keys()];
  }

  /** One round: renew, leave, take over. Errors are logged; the next round tries again. */
  tick(): Promise<void> {
    this.ticking ??= this.round()
      .catch(e =>
        this.options.logger.warn(
          `Container watchers: lease round failed: ${e}`,
        ),
      )
      .finally(() => {
        this.ticking = undefined;
      });
    return this.ticking;
  }

  async figures(): Promise<WatcherStatus> {
    return this.metrics.figures(
      this.options.ownerId,
      this.held.size,
      await this.options.leases.holders(new Date()),
    );
  }

  private async round() {
    const { leases, ownerId, leaseMs, logger } = this.options;
    const targets = new Map((await this.options.targets()).map(t => [t.id, t]));
    const now = new Date();
    const expiresAt = new Date(now.getTime() + leaseMs);
    if (this.held.size) {
      const cursors = this.cursors();
      const still = new Set(
        await leases.renew(ownerId, cursors, now, expiresAt),
      );
      const leave = new Map<string, number | null>();
      for (const [id, h] of [...this.held]) {
        if (!still.has(id)) {
          logger.warn(
            `Container watcher of ${h.target.name}: lease lost (another replica took it), stopped`,
          );
          this.drop(id);
          continue;
        }
        h.heldUntil = expiresAt.getTime();
        h.writtenCursor = cursors.get(id) ?? h.writtenCursor;
        const target = targets.get(id);
        if (!target || !sameEngine(target, h.target)) {
          leave.set(id, h.watcher.committedMs);
          this.drop(id);
        }
      }
      if (leave.size) await leases.release(ownerId, leave, new Date());
    }
    if (!this.running) return;
    const free = [...targets.keys()].filter(id => !this.held.has(id));
    if (free.length === 0) return;
    const taken = await leases.acquire(ownerId, free, now, expiresAt);
    if (!this.running) {
      // stopped while taking: give them straight back
      await leases.release(
        ownerId,
        new Map(taken.map(l => [l.environmentId, null])),
        new Date(),
      );
      return;
    }
    for (const lease of taken) {
      const target = targets.get(lease.environmentId)!;
      this.watch(target, lease.cursorMs, expiresAt.getTime());
    }
  }

  private watch(target: WatchTarget, cursorMs: number | null, until: number) {
    const { logger, settings } = this.options;
    let docker;
    try {
      docker = this.options.docker({
        ip: target.ip ?? '',
        endpointId: target.endpointId,
      });
    } catch (e) {
      logger.warn(`Container watcher of ${target.name}: no engine: ${e}`);
      return;
    }
    const entry: Held = {
      target,
      heldUntil: until,
      writtenCursor: cursorMs,
      watcher: new EnvironmentWatcher({
        environment: { id: target.id, name: target.name },
        docker,
        cursorMs,
        settings,
        metrics: this.metrics,
        deliver: (fact, receivedMs) => this.deliver(fact, receivedMs),
        isHeld: () => Date.now() < entry.heldUntil,
        onError: (message, error) => logger.warn(`${message}: ${error}`),
      }),
    };
    this.held.set(target.id, entry);
    entry.watcher.start();
  }

  private drop(id: string) {
    this.held.get(id)?.watcher.stop();
    this.held.delete(id);
  }

  /** Each held environment's cursor when it moved since the last write, else null (keep the stored one). */
  private cursors(): Map<string, number | null> {
    return new Map(
      [...this.held].map(([id, h]) => [
        id,
        h.watcher.committedMs !== h.writtenCursor
          ? h.watcher.committedMs
          : null,
      ]),
    );
  }

  private async deliver(
    fact: Omit<ContainerFact, 'portalMade'>,
    receivedMs: number,
  ) {
    let portalMade: ContainerFact['portalMade'] = null;
    try {
      portalMade = await this.options.portal.tag(
        fact.environment.id,
        Date.parse(fact.at),
        receivedMs,
      );
    } catch (e) {
      this.options.logger.warn(
        `Container watcher: could not read the operations, ${fact.kind} of ${fact.container.name} in ${fact.environment.name} is not tagged: ${e}`,
      );
    }
    const full: ContainerFact = { ...fact, portalMade };
    for (const s of this.options.subscribers) {
      try {
        await s.handle(full);
      } catch (e) {
        this.options.logger.warn(
          `Container fact subscriber ${s.name} failed on ${fact.kind} of ${fact.container.name}: ${e}`,
        );
      }
    }
    this.metrics.delivered();
  }
}
