import type { OperationStore } from '../operations/OperationStore';

/** At most this many recent operations are considered (newest first). */
const MAX_OPERATIONS = 5000;

interface RecentOperation {
  id: string;
  environmentId: string;
  kind: string;
  createdAt: Date;
  endedAt: Date | null;
}

/**
 * Decides whether a container change was the portal's own: the environment had an operation queued or running at
 * the event's time, or one that ended less than `windowMs` before it. Docker names the container, not who changed it,
 * so this is a correlation by environment and time (docs/watcher.md says where it is wrong). Operations run on any
 * replica, so the list comes from the database: reloaded whenever an event is newer than the last load (one load at
 * a time, shared by the events waiting for it).
 */
export class PortalChanges {
  private operations: RecentOperation[] = [];
  /** When the list in hand was asked for. */
  private loadStartedAt = 0;
  private loading?: Promise<void>;

  constructor(
    private readonly store: Pick<OperationStore, 'recentlyActive'>,
    private readonly windowMs: number,
    /** Engine and backend clocks may differ by this much (ms); an operation counts from this long before it was queued. */
    private readonly skewMs = 1000,
  ) {}

  /**
   * The operation that made a change of `environmentId` at `atMs` (engine clock), received at `receivedMs` (ours),
   * or null. The operation was recorded before the portal touched the container, so a list asked for after the
   * event arrived holds it.
   */
  async tag(
    environmentId: string,
    atMs: number,
    receivedMs: number,
  ): Promise<{ operationId: string; kind: string } | null> {
    while (this.loadStartedAt < receivedMs) await this.reload();
    const op = this.operations.find(
      o =>
        o.environmentId === environmentId &&
        o.createdAt.getTime() - this.skewMs <= atMs &&
        (o.endedAt === null || atMs <= o.endedAt.getTime() + this.windowMs),
    );
    return op ? { operationId: op.id, kind: op.kind } : null;
  }

  private reload(): Promise<void> {
    if (this.loading) return this.loading;
    const startedAt = Date.now();
    this.loading = (async () => {
      try {
        this.operations = await this.store.recentlyActive(
          new Date(startedAt - this.windowMs - this.skewMs),
          MAX_OPERATIONS,
        );
        this.loadStartedAt = startedAt;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
