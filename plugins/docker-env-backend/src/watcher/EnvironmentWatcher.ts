import type {
  DockerApi,
  DockerEventMessage,
  DockerEventSubscription,
} from '@docker-env/plugin-docker-env-node';
import { ContainerBook, type ContainerFact, type FactDraft } from './facts';
import type { WatcherMetrics } from './WatcherMetrics';

/** How one environment's watcher behaves. */
export interface EnvironmentWatcherSettings {
  /** Full pass (list and inspect) every this many ms; one also runs after every reconnect. */
  fullPassMs: number;
  /** Each stream asks the engine to end it (`until`) after this long, then the next resumes from the cursor. */
  streamMaxMs: number;
  /** Reconnect back-off: first wait, doubled up to `maxMs` (with jitter). */
  backoff: { initialMs: number; maxMs: number };
}

/** What one environment's watcher needs. */
export interface EnvironmentWatcherOptions {
  environment: { id: string; name: string };
  docker: DockerApi;
  /** Where the previous holder stopped (Unix ms), or null: start from now. */
  cursorMs: number | null;
  settings: EnvironmentWatcherSettings;
  metrics: WatcherMetrics;
  /** Adds the portal-made tag and hands the fact to the subscribers (awaited: one environment's facts stay in order). */
  deliver(
    fact: Omit<ContainerFact, 'portalMade'>,
    receivedMs: number,
  ): Promise<void>;
  /** False once this replica may no longer hold the environment's lease: nothing is delivered then. */
  isHeld(): boolean;
  onError(message: string, error: unknown): void;
}

/**
 * Watches one environment's engine: the `/events` stream (containers only) from the cursor, reconnecting with
 * back-off after a failure or a cut; a full pass at start (baseline), after every reconnect, and every
 * `fullPassMs`, which reports what the stream missed. Facts are delivered one at a time, in order.
 */
export class EnvironmentWatcher {
  private readonly book = new ContainerBook();
  private subscription?: DockerEventSubscription;
  private stopped = false;
  private baselineDone = false;
  private backoffMs: number;
  private timer?: NodeJS.Timeout;
  private passTimer?: NodeJS.Timeout;
  /** Events handled at exactly `cursorMs` (a resumed stream replays that millisecond). */
  private atCursor = new Set<string>();
  /** Facts wait here, handled one at a time. */
  private queue: Promise<void> = Promise.resolve();
  /** Time of the last event received (replay dedup). */
  private cursorMs: number;
  /** Time of the last event whose fact was delivered: where a successor resumes (the lease's cursor). */
  committedMs: number;

  constructor(private readonly options: EnvironmentWatcherOptions) {
    // a first watcher starts from now: a successor then replays from here even if no event came meanwhile
    this.cursorMs = options.cursorMs ?? Date.now();
    this.committedMs = this.cursorMs;
    this.backoffMs = options.settings.backoff.initialMs;
  }

  start(): void {
    void this.connect(false);
    this.schedulePass();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.passTimer);
    this.subscription?.close();
    this.subscription = undefined;
  }

  /** Resolves once every fact received so far was delivered (tests). */
  settled(): Promise<void> {
    return this.queue;
  }

  private async connect(afterFailure: boolean): Promise<void> {
    if (this.stopped) return;
    const { docker, settings, metrics } = this.options;
    const since = new Date(this.cursorMs);
    let ended = false;
    const again = (failure?: Error) => {
      if (ended || this.stopped) return;
      ended = true;
      this.subscription = undefined;
      metrics.streamClosed();
      if (failure) {
        metrics.reconnect();
        this.options.onError(
          `container events of ${this.options.environment.name}: stream failed, reconnecting`,
          failure,
        );
        this.retryLater();
      } else void this.connect(false);
    };
    try {
      const sub = await docker.subscribeEvents(e => this.onEvent(e), {
        types: ['container'],
        since,
        until: new Date(Date.now() + settings.streamMaxMs),
        onError: e => again(e),
        onEnd: () => again(),
      });
      if (this.stopped) {
        sub.close();
        return;
      }
      this.subscription = sub;
      metrics.streamOpened();
      this.backoffMs = settings.backoff.initialMs;
      // the baseline, and after a failure the pass that fills what the stream missed
      if (!this.baselineDone || afterFailure)
        this.enqueue(() => this.fullPass());
    } catch (e) {
      metrics.reconnect();
      this.options.onError(
        `container events of ${this.options.environment.name}: could not open the stream`,
        e,
      );
      this.retryLater();
    }
  }

  private retryLater() {
    if (this.stopped) return;
    const { maxMs } = this.options.settings.backoff;
    const wait = Math.min(this.backoffMs, maxMs);
    this.backoffMs = Math.min(this.backoffMs * 2, maxMs);
    this.timer = setTimeout(
      () => void this.connect(true),
      wait / 2 + Math.random() * (wait / 2),
    );
  }

  private schedulePass() {
    if (this.stopped) return;
    this.passTimer = setTimeout(() => {
      this.enqueue(() => this.fullPass());
      this.schedulePass();
    }, this.options.settings.fullPassMs);
  }

  private onEvent(e: DockerEventMessage) {
    const atMs = e.timeNano ? Math.floor(e.timeNano / 1e6) : e.time * 1000;
    const key = `${e.id}|${e.action}|${e.timeNano ?? e.time}`;
    if (atMs < this.cursorMs) return;
    if (atMs === this.cursorMs && this.atCursor.has(key)) return;
    if (atMs > this.cursorMs) this.atCursor.clear();
    this.atCursor.add(key);
    this.cursorMs = atMs;
    this.options.metrics.eventReceived();
    const receivedMs = Date.now();
    const draft = this.book.applyEvent(e, atMs);
    this.enqueue(async () => {
      if (draft) {
        await this.emit(draft, receivedMs);
        this.options.metrics.lag(Date.now() - atMs);
      }
      this.committedMs = atMs;
    });
  }

  private enqueue(work: () => Promise<void>) {
    this.queue = this.queue
      .then(work)
      .catch(e =>
        this.options.onError(
          `container events of ${this.options.environment.name}: handling failed`,
          e,
        ),
      );
  }

  private async fullPass(): Promise<void> {
    if (this.stopped) return;
    const started = Date.now();
    const list = await this.options.docker.listContainers({ all: true });
    const drafts = this.book.applyList(list, started, !this.baselineDone);
    this.baselineDone = true;
    this.options.metrics.fullPass(drafts.length);
    for (const d of drafts) await this.emit(d, Date.now());
  }

  /** Inspects when the draft asks (ports, exit), then delivers while the lease is held. */
  private async emit(draft: FactDraft, receivedMs: number): Promise<void> {
    const { inspect, ...fact } = draft;
    if (inspect) {
      try {
        const d = await this.options.docker.inspect(fact.container.id);
        const details = { name: d.name, labels: d.labels, ports: d.ports };
        this.book.setDetails(d.id, details);
        Object.assign(fact.container, details);
        if (fact.kind === 'died' && fact.source === 'full-pass')
          Object.assign(fact, {
            exitCode: d.state.exitCode,
            oomKilled: d.state.oomKilled,
          });
      } catch {
        // gone already (destroyed right after): the fact goes out with what the event said
      }
    }
    if (this.stopped || !this.options.isHeld()) return;
    await this.options.deliver(
      { ...fact, environment: { ...this.options.environment } },
      receivedMs,
    );
  }
}
