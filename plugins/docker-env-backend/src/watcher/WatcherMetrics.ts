import type { WatcherStatus } from '@docker-env/plugin-docker-env-common';

/** Lag samples kept for the percentiles (the most recent ones). */
const SAMPLES = 2048;

/** Counters and the lag ring of one replica's watchers. */
export class WatcherMetrics {
  private lags: number[] = [];
  private next = 0;
  private counts = {
    streamsOpen: 0,
    reconnects: 0,
    eventsReceived: 0,
    factsDelivered: 0,
    fullPasses: 0,
    factsFromFullPasses: 0,
  };

  streamOpened() {
    this.counts.streamsOpen += 1;
  }
  streamClosed() {
    this.counts.streamsOpen -= 1;
  }
  reconnect() {
    this.counts.reconnects += 1;
  }
  eventReceived() {
    this.counts.eventsReceived += 1;
  }
  delivered() {
    this.counts.factsDelivered += 1;
  }
  fullPass(facts: number) {
    this.counts.fullPasses += 1;
    this.counts.factsFromFullPasses += facts;
  }
  lag(ms: number) {
    if (this.lags.length < SAMPLES) this.lags.push(ms);
    else this.lags[this.next] = ms;
    this.next = (this.next + 1) % SAMPLES;
  }

  figures(
    replica: string,
    environments: number,
    environmentsPerReplica: Record<string, number>,
  ): WatcherStatus {
    const sorted = [...this.lags].sort((a, b) => a - b);
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return {
      replica,
      environments,
      environmentsPerReplica,
      ...this.counts,
      lagMs: sorted.length
        ? {
            p50: at(0.5),
            p95: at(0.95),
            max: sorted[sorted.length - 1],
            samples: sorted.length,
          }
        : null,
    };
  }
}
