import type {
  ContainerSummary,
  DockerEventMessage,
} from '@docker-env/plugin-docker-env-node';

/**
 * What happened to a container, as the watcher reports it.
 *
 * @public
 */
export type ContainerFactKind =
  | 'created'
  | 'started'
  | 'stopped'
  | 'died'
  | 'restarted'
  | 'health_changed'
  | 'destroyed'
  | 'renamed';

/** A published port of a container. @public */
export interface ContainerFactPort {
  containerPort: number;
  protocol: string;
  hostIp?: string;
  hostPort?: number;
}

/**
 * One container change in one environment, from the engine's event stream or found by a full pass.
 *
 * @public
 */
export interface ContainerFact {
  kind: ContainerFactKind;
  environment: { id: string; name: string };
  container: {
    id: string;
    /** Without the leading slash. */
    name: string;
    image: string;
    labels: Record<string, string>;
    /** As last inspected: empty until the watcher inspected the container (it does on create and start). */
    ports: ContainerFactPort[];
  };
  /** When the engine says it happened (ISO 8601; for a full pass: when the pass saw it). */
  at: string;
  /** `stopped` and `died`: the program's exit code. */
  exitCode?: number;
  /** `stopped` and `died`: the kernel's OOM killer ended it. */
  oomKilled?: boolean;
  /** `stopped` and `died`: the signal a `kill` sent before the exit (e.g. `15`), when there was one. */
  signal?: string;
  /** `health_changed`: `starting`, `healthy` or `unhealthy`. */
  health?: string;
  /** `renamed`: the name before. */
  oldName?: string;
  /** `stream`: an engine event; `full-pass`: a difference a full pass found (the stream missed it). */
  source: 'stream' | 'full-pass';
  /**
   * The portal's own change: an operation of the environment was running, or ended less than the window before
   * (see docs/watcher.md for how this is decided and where it is wrong); null otherwise.
   */
  portalMade: { operationId: string; kind: string } | null;
}

/** A fact before the watcher adds the environment and the portal-made tag. */
export type FactDraft = Omit<ContainerFact, 'environment' | 'portalMade'> & {
  /** Inspect the container before reporting (ports, exit code). */
  inspect?: boolean;
};

/** Event attributes that are the engine's, not the container's labels. */
const ENGINE_ATTRIBUTES = new Set([
  'image',
  'name',
  'exitCode',
  'signal',
  'oldName',
  'execID',
  'execDuration',
]);

interface Known {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  ports: ContainerFactPort[];
  running: boolean;
  health?: string;
  /** The signal and OOM the engine reported before the next `die`. */
  signal?: string;
  oom?: boolean;
  exitCode?: number;
  /** Last change by an event (ms): a full pass that started earlier does not override it. */
  touchedAt: number;
}

function healthOf(status: string): string | undefined {
  const m = /\((healthy|unhealthy|health: starting)\)/.exec(status);
  if (!m) return undefined;
  return m[1] === 'health: starting' ? 'starting' : m[1];
}

/**
 * What one watcher knows of its environment's containers: it turns engine events into facts (`kill` and `oom` are
 * folded into the next `die`/`stop`) and compares a full pass's container list with what the events said.
 */
export class ContainerBook {
  private readonly known = new Map<string, Known>();
  /** Containers destroyed by an event, with when: an older pass's list does not bring them back. */
  private readonly gone = new Map<string, number>();

  /** The container as known now (tests and the watcher's enrichment). */
  get(id: string) {
    return this.known.get(id);
  }

  /** Records what an inspect said (ports, labels, exit). */
  setDetails(
    id: string,
    d: {
      name: string;
      labels: Record<string, string>;
      ports: ContainerFactPort[];
    },
  ) {
    const k = this.known.get(id);
    if (k) Object.assign(k, d);
  }

  /** Applies one engine event; the fact it makes, if any. */
  applyEvent(e: DockerEventMessage, atMs: number): FactDraft | undefined {
    if (e.type !== 'container') return undefined;
    const attrs = e.attributes ?? {};
    let k = this.known.get(e.id);
    if (!k) {
      if (e.action === 'destroy' && this.gone.has(e.id)) return undefined;
      k = {
        id: e.id,
        name: (attrs.name ?? '').replace(/^\//, ''),
        image: attrs.image ?? '',
        labels: Object.fromEntries(
          Object.entries(attrs).filter(([key]) => !ENGINE_ATTRIBUTES.has(key)),
        ),
        ports: [],
        running: false,
        touchedAt: atMs,
      };
      this.known.set(e.id, k);
    }
    k.touchedAt = atMs;
    const at = new Date(atMs).toISOString();
    const draft = (
      kind: ContainerFactKind,
      extra: Partial<FactDraft> = {},
    ): FactDraft => ({
      kind,
      container: {
        id: k!.id,
        name: k!.name,
        image: k!.image,
        labels: k!.labels,
        ports: k!.ports,
      },
      at,
      source: 'stream',
      ...extra,
    });
    const action = e.action.startsWith('health_status')
      ? 'health_status'
      : e.action;
    switch (action) {
      case 'create':
        return draft('created', { inspect: true });
      case 'start':
        k.running = true;
        k.signal = undefined;
        k.oom = undefined;
        return draft('started', { inspect: true });
      case 'kill':
        k.signal = attrs.signal;
        return undefined;
      case 'oom':
        k.oom = true;
        return undefined;
      case 'die': {
        k.running = false;
        k.exitCode =
          attrs.exitCode !== undefined ? Number(attrs.exitCode) : k.exitCode;
        return draft('died', this.exitOf(k));
      }
      case 'stop':
        k.running = false;
        return draft('stopped', this.exitOf(k));
      case 'restart':
        k.running = true;
        return draft('restarted');
      case 'health_status': {
        const health = e.action.slice('health_status:'.length).trim();
        k.health = health;
        return draft('health_changed', { health });
      }
      case 'destroy':
        this.known.delete(e.id);
        this.gone.set(e.id, atMs);
        return draft('destroyed');
      case 'rename': {
        const oldName = (attrs.oldName ?? '').replace(/^\//, '');
        k.name = (attrs.name ?? k.name).replace(/^\//, '');
        return draft('renamed', { oldName });
      }
      default:
        return undefined;
    }
  }

  /**
   * Compares a full pass's list (taken from `passStartedMs`) with what is known. The first pass of a watcher
   * (`baseline`) only records; later ones report every difference as a fact, except for containers an event changed
   * after the pass started (the event is newer than the list).
   */
  applyList(
    list: ContainerSummary[],
    passStartedMs: number,
    baseline: boolean,
  ): FactDraft[] {
    const drafts: FactDraft[] = [];
    const at = new Date(passStartedMs).toISOString();
    const seen = new Set<string>();
    for (const c of list) {
      seen.add(c.id);
      const gone = this.gone.get(c.id);
      if (gone !== undefined && gone >= passStartedMs) continue;
      const running = c.state === 'running' || c.state === 'restarting';
      const health = healthOf(c.status);
      const k = this.known.get(c.id);
      const fresh: Known = {
        id: c.id,
        name: c.name.replace(/^\//, ''),
        image: c.image,
        labels: c.labels,
        ports: c.ports,
        running,
        health,
        touchedAt: passStartedMs,
      };
      const draft = (
        kind: ContainerFactKind,
        extra: Partial<FactDraft> = {},
      ): FactDraft => ({
        kind,
        container: {
          id: fresh.id,
          name: fresh.name,
          image: fresh.image,
          labels: fresh.labels,
          ports: fresh.ports,
        },
        at,
        source: 'full-pass',
        ...extra,
      });
      if (!k) {
        this.known.set(c.id, fresh);
        if (baseline) continue;
        drafts.push(draft('created'));
        if (running) drafts.push(draft('started'));
        continue;
      }
      if (k.touchedAt > passStartedMs) continue;
      if (!baseline) {
        if (k.name !== fresh.name)
          drafts.push(draft('renamed', { oldName: k.name }));
        if (k.running && !running)
          drafts.push(draft('died', { inspect: true }));
        if (!k.running && running) drafts.push(draft('started'));
        if (health && k.health !== health)
          drafts.push(draft('health_changed', { health }));
      }
      Object.assign(k, { ...fresh, touchedAt: k.touchedAt });
    }
    for (const [id, k] of [...this.known]) {
      if (seen.has(id) || k.touchedAt > passStartedMs) continue;
      this.known.delete(id);
      this.gone.set(id, passStartedMs);
      if (!baseline)
        drafts.push({
          kind: 'destroyed',
          container: {
            id,
            name: k.name,
            image: k.image,
            labels: k.labels,
            ports: k.ports,
          },
          at,
          source: 'full-pass',
        });
    }
    for (const [id, t] of [...this.gone])
      if (t < passStartedMs - 10 * 60_000) this.gone.delete(id);
    return drafts;
  }

  private exitOf(k: Known): Partial<FactDraft> {
    return {
      ...(k.exitCode !== undefined ? { exitCode: k.exitCode } : {}),
      oomKilled: k.oom === true,
      ...(k.signal ? { signal: k.signal } : {}),
    };
  }
}
