import express from 'express';

/** What an injected fault does to a matching call. */
export type FaultAction =
  | {
      /** Answer with this HTTP status, reason phrase and JSON body instead of doing the operation. */
      kind: 'fail';
      status: number;
      reason?: string;
      body?: unknown;
    }
  | {
      /** Never answer (the client's timeout is what is under test). */
      kind: 'hang';
    }
  | {
      /** Let the call start its asynchronous task, but end the task with this exit status. */
      kind: 'task-fail';
      exitstatus: string;
    }
  | {
      /** The CT starts normally but DHCP hands it a new address (`proxmox.lxc.start` only). */
      kind: 'new-address';
    }
  | {
      /**
       * Answer normally, then cut the connection `afterMs` after the answer started, without the chunked body's last
       * chunk (`portainer.docker.events` only: a proxy or load balancer ending a long stream).
       */
      kind: 'cut';
      afterMs: number;
    };

/** A rule: which call of which operation gets which fault. */
export interface FaultRule {
  /** Operation name, e.g. `proxmox.lxc.clone` (each simulator documents its names). */
  operation: string;
  /** 1-based index of the call to hit, counted from when the rule was added; default 1. */
  nth?: number;
  /** How many consecutive calls from `nth` on are hit; default 1. `Infinity` hits every later call. */
  times?: number;
  action: FaultAction;
}

/** {@link LabControl.exportState}'s JSON (kept in the lab's state file). */
export interface LabControlSavedState {
  latencies: Record<string, number>;
  faults: Array<FaultRule & { seen: number }>;
  calls: Record<string, number>;
}

interface ActiveRule extends FaultRule {
  seen: number;
}

/**
 * Latency and fault injection shared by the simulators. Every simulated operation calls
 * {@link LabControl.enter} first; tests set latencies to zero and add fault rules.
 */
export class LabControl {
  private readonly latencies = new Map<string, number>();
  private readonly rules: ActiveRule[] = [];
  private readonly calls = new Map<string, number>();
  private latencyScale: number;

  /**
   * @param defaults - per-operation latency in ms modelled on real systems
   * @param latencyScale - multiplier for every latency; 0 makes the lab instant
   */
  constructor(defaults: Record<string, number> = {}, latencyScale = 1) {
    for (const [op, ms] of Object.entries(defaults)) this.latencies.set(op, ms);
    this.latencyScale = latencyScale;
  }

  /** Sets one operation's latency in ms (before scaling). */
  setLatency(operation: string, ms: number): void {
    this.latencies.set(operation, ms);
  }

  /** Sets the multiplier applied to every latency; 0 makes every operation instant. */
  setLatencyScale(scale: number): void {
    this.latencyScale = scale;
  }

  /** Latency of an operation in ms, after scaling. */
  latencyOf(operation: string): number {
    return (this.latencies.get(operation) ?? 0) * this.latencyScale;
  }

  /** Adds a fault rule; it starts counting calls from now. */
  injectFault(rule: FaultRule): void {
    this.rules.push({ ...rule, seen: 0 });
  }

  /** Removes every fault rule and call counter. */
  reset(): void {
    this.rules.length = 0;
    this.calls.clear();
  }

  /** How many times an operation was entered since the last reset. */
  callCount(operation: string): number {
    return this.calls.get(operation) ?? 0;
  }

  /**
   * Records a call of an operation and returns the fault to apply, if any.
   * Latency is not applied here: see {@link LabControl.delay}.
   */
  enter(operation: string): FaultAction | undefined {
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
    let hit: FaultAction | undefined;
    for (const rule of this.rules) {
      if (rule.operation !== operation) continue;
      rule.seen += 1;
      const first = rule.nth ?? 1;
      const last = first + (rule.times ?? 1) - 1;
      if (!hit && rule.seen >= first && rule.seen <= last) hit = rule.action;
    }
    return hit;
  }

  /** Waits the operation's latency. */
  async delay(operation: string): Promise<void> {
    const ms = this.latencyOf(operation);
    if (ms > 0) await new Promise(resolve => setTimeout(resolve, ms));
  }

  /** A JSON view for inspection. */
  describe() {
    return {
      latencyScale: this.latencyScale,
      latencies: Object.fromEntries(this.latencies),
      faults: this.rules.map(({ seen, ...r }) => ({ ...r, seen })),
      calls: Object.fromEntries(this.calls),
    };
  }

  /** What a restart would lose: fault rules (with how often each was hit), latencies, call counts. */
  exportState(): LabControlSavedState {
    return {
      latencies: Object.fromEntries(this.latencies),
      faults: this.rules.map(r => ({ ...r })),
      calls: Object.fromEntries(this.calls),
    };
  }

  /** Puts {@link LabControl.exportState}'s result back; the latency scale stays the start option's. */
  importState(saved: LabControlSavedState): void {
    for (const [op, ms] of Object.entries(saved.latencies))
      this.latencies.set(op, ms);
    this.rules.length = 0;
    this.rules.push(...saved.faults.map(r => ({ ...r })));
    this.calls.clear();
    for (const [op, n] of Object.entries(saved.calls)) this.calls.set(op, n);
  }

  /**
   * Express router mounted by each simulator at `/_lab`: `GET /` (control state),
   * `POST /faults` (a {@link FaultRule}), `POST /latency` (`{scale}` or `{operation, ms}`), `POST /reset`.
   * The simulator adds `GET /state` itself.
   */
  router(): express.Router {
    const router = express.Router();
    router.use(express.json());
    router.get('/', (_req, res) => {
      res.json(this.describe());
    });
    router.post('/faults', (req, res) => {
      const rule = req.body as FaultRule;
      if (
        typeof rule?.operation !== 'string' ||
        typeof rule?.action?.kind !== 'string'
      ) {
        res
          .status(400)
          .json({ error: 'operation and action.kind are required' });
        return;
      }
      this.injectFault(rule);
      res.status(201).json(this.describe());
    });
    router.post('/latency', (req, res) => {
      const { scale, operation, ms } = req.body ?? {};
      if (typeof scale === 'number' && scale >= 0) this.setLatencyScale(scale);
      else if (
        typeof operation === 'string' &&
        typeof ms === 'number' &&
        ms >= 0
      )
        this.setLatency(operation, ms);
      else {
        res.status(400).json({
          error: 'send {scale} or {operation, ms}, non-negative numbers',
        });
        return;
      }
      res.json(this.describe());
    });
    router.post('/reset', (_req, res) => {
      this.reset();
      res.json(this.describe());
    });
    return router;
  }
}
