import type { ContainerFact, ContainerFactSubscriber } from '../watcher';
import { AlertActions, isSilenced } from './AlertActions';

/** What this replica remembers of a container between facts (the crash-loop count). */
interface Track {
  /** The last exit was not the portal's: the next start is a restart the crash-loop rule counts. */
  exitedUnasked: boolean;
  /** Times (ms) of the restarts counted, within the longest window. */
  restarts: number[];
  lastExit: Record<string, unknown>;
}

/** The most containers tracked (oldest dropped). */
const MAX_TRACKED = 20_000;

/**
 * The container alerts, a subscriber of the container watchers: an exit the portal did not cause (at once for a stop
 * or a kill, after `exitGraceMs` for an exit by itself, which a restart policy may undo), a crash loop (`restarts`
 * restarts within `windowSeconds`: one incident, no exit alerts while it lasts), a health check turning unhealthy;
 * and their recoveries (running again, healthy again, removed). Facts the watcher tagged portal-made (pause,
 * rollout, delete, quota enforcement) alert nobody.
 */
export class ContainerAlerts {
  private readonly tracks = new Map<string, Track>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly actions: AlertActions,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The subscriber to give the watchers. */
  subscriber(): ContainerFactSubscriber {
    return { name: 'alerts', handle: fact => this.handle(fact) };
  }

  /** Stops the grace timers (the sweep opens what they would have). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  async handle(fact: ContainerFact): Promise<void> {
    if (!this.actions.deps.settings.enabled) return;
    switch (fact.kind) {
      case 'died':
      case 'stopped':
        await this.exited(fact);
        break;
      case 'started':
        await this.started(fact);
        break;
      case 'health_changed':
        await this.health(fact);
        break;
      case 'destroyed':
        await this.destroyed(fact);
        break;
      default:
    }
  }

  private track(fact: ContainerFact): Track {
    const key = `${fact.environment.id}:${fact.container.id}`;
    let t = this.tracks.get(key);
    if (!t) {
      t = { exitedUnasked: false, restarts: [], lastExit: {} };
      this.tracks.set(key, t);
      if (this.tracks.size > MAX_TRACKED)
        this.tracks.delete(this.tracks.keys().next().value!);
    }
    return t;
  }

  private async environment(fact: ContainerFact) {
    return this.actions.deps.store.getEnvironmentById(fact.environment.id);
  }

  private live(fact: ContainerFact, kind: 'exit' | 'crash_loop' | 'unhealthy') {
    return this.actions.deps.store
      .incidents()
      .live(fact.environment.id, fact.container.name, kind);
  }

  private async exited(fact: ContainerFact) {
    const t = this.track(fact);
    const now = this.now();
    const exit = {
      containerId: fact.container.id,
      image: fact.container.image,
      ...(fact.exitCode !== undefined ? { exitCode: fact.exitCode } : {}),
      ...(fact.signal !== undefined ? { signal: fact.signal } : {}),
      ...(fact.oomKilled ? { oomKilled: true } : {}),
    };
    if (fact.portalMade) {
      t.exitedUnasked = false;
      const pending = await this.live(fact, 'exit');
      if (pending?.state === 'pending')
        await this.actions.clear(pending, 'stopped by the portal', now);
      return;
    }
    t.exitedUnasked = true;
    t.lastExit = exit;
    const loop = await this.live(fact, 'crash_loop');
    if (loop) {
      await this.actions.deps.store
        .incidents()
        .note(loop.id, { ...exit, running: false }, now);
      return;
    }
    const rules = await this.actions.rules(fact.environment.id);
    if (!rules.enabled || !rules.exit.enabled) return;
    const environment = await this.environment(fact);
    if (!environment) return;
    // a stop or a kill is final (no restart policy undoes it); an exit by itself waits out the grace
    const byHand = fact.kind === 'stopped' || fact.signal !== undefined;
    const grace = this.actions.deps.settings.exitGraceMs;
    const dueAt = new Date(now.getTime() + (byHand ? 0 : grace));
    const { incident, created } = await this.actions.sight(environment, {
      kind: 'exit',
      subject: fact.container.name,
      details: { ...exit, byHand },
      at: now,
      dueAt,
      silenced: isSilenced(rules, now),
    });
    if (incident.state !== 'pending') return;
    if (byHand) await this.actions.open(incident.id, now);
    else if (created) this.later(incident.id, grace);
  }

  /** Opens the pending incident after `ms` unless a restart cleared it first. */
  private later(id: string, ms: number) {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.actions
        .open(id, this.now())
        .catch(e =>
          this.actions.deps.logger.warn(
            `alerts: opening incident ${id} failed: ${e}`,
          ),
        );
    }, ms);
    this.timers.add(timer);
  }

  private async started(fact: ContainerFact) {
    const t = this.track(fact);
    const now = this.now();
    const exit = await this.live(fact, 'exit');
    if (exit) await this.actions.clear(exit, 'the container runs again', now);
    const wasRestart = t.exitedUnasked && !fact.portalMade;
    t.exitedUnasked = false;
    const loop = await this.live(fact, 'crash_loop');
    if (loop) {
      const incidents = this.actions.deps.store.incidents();
      // a restart counts on the open crash loop (and restarts its window); a start by hand only notes it runs
      if (wasRestart)
        await incidents.sight({
          environmentId: fact.environment.id,
          kind: 'crash_loop',
          subject: fact.container.name,
          details: { running: true },
          at: now,
          dueAt: now,
          silenced: loop.silenced,
        });
      else await incidents.note(loop.id, { running: true }, now);
      return;
    }
    if (!wasRestart) return;
    const rules = await this.actions.rules(fact.environment.id);
    const { restarts, windowSeconds, enabled } = rules.crashLoop;
    t.restarts = t.restarts
      .filter(r => r > now.getTime() - windowSeconds * 1000)
      .concat(now.getTime());
    if (!rules.enabled || !enabled || t.restarts.length < restarts) return;
    const environment = await this.environment(fact);
    if (!environment) return;
    await this.actions.sight(environment, {
      kind: 'crash_loop',
      subject: fact.container.name,
      details: {
        ...t.lastExit,
        restarts: t.restarts.length,
        windowSeconds,
        running: true,
      },
      at: now,
      dueAt: now,
      silenced: isSilenced(rules, now),
    });
  }

  private async health(fact: ContainerFact) {
    const now = this.now();
    if (fact.health === 'healthy') {
      const live = await this.live(fact, 'unhealthy');
      if (live) await this.actions.clear(live, 'healthy again', now);
      return;
    }
    if (fact.health !== 'unhealthy' || fact.portalMade) return;
    const rules = await this.actions.rules(fact.environment.id);
    if (!rules.enabled || !rules.unhealthy.enabled) return;
    const environment = await this.environment(fact);
    if (!environment) return;
    await this.actions.sight(environment, {
      kind: 'unhealthy',
      subject: fact.container.name,
      details: { containerId: fact.container.id, image: fact.container.image },
      at: now,
      dueAt: now,
      silenced: isSilenced(rules, now),
    });
  }

  private async destroyed(fact: ContainerFact) {
    this.tracks.delete(`${fact.environment.id}:${fact.container.id}`);
    const now = this.now();
    for (const incident of await this.actions.deps.store
      .incidents()
      .liveOf(fact.environment.id, fact.container.name))
      await this.actions.clear(incident, 'the container was removed', now);
  }
}
