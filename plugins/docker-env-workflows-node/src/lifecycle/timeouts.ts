import type { LifecycleConfig } from './types';

/** Slack on top of the waits a step does, for its API calls. */
const CALLS_MS = 30_000;

/** Step timeouts derived from the configured waits, so a test's short waits give short step timeouts. */
export function stepTimeouts(config: LifecycleConfig) {
  const calls = Math.min(CALLS_MS, config.taskTimeoutMs);
  return {
    /** A few API calls. */
    calls,
    /** One PVE task. */
    task: config.taskTimeoutMs + calls,
    /** A clean shutdown that may end in a stop. */
    shutdown:
      config.taskTimeoutMs + config.shutdownTimeoutSeconds * 1000 + calls,
    /** Waiting for the guest's address. */
    ip: config.ipTimeoutMs + calls,
    /** Waiting for Docker, then starting or stopping containers. */
    docker: config.dockerReadyTimeoutMs + calls * 2,
    /** The final backup. */
    backup: config.backupTimeoutMs + calls,
  };
}
