import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { OperationTarget } from '@docker-env/plugin-docker-env-workflows-node';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DockerEnvStore } from '../store/types';
import { OperationQueue } from './OperationQueue';
import { OperationRunner } from './OperationRunner';
import {
  OperationAfterEndedHook,
  OperationEndedHook,
  OperationRecord,
  OperationRegistry,
} from './types';

/** The runner's settings, `dockerEnv.runner` in app-config. */
export interface RunnerConfig {
  concurrency: number;
  leaseMs: number;
  pollIntervalMs: number;
  maxAttempts: number;
  shutdownGraceMs: number;
  recoveryFrequencySeconds: number;
}

/** Reads `dockerEnv.runner` with its defaults. */
export function readRunnerConfig(config: RootConfigService): RunnerConfig {
  const runner = config.getOptionalConfig('dockerEnv.runner');
  const positive = (key: string, fallback: number) => {
    const value = runner?.getOptionalNumber(key) ?? fallback;
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(
        `dockerEnv.runner.${key} must be a positive number, got ${value}`,
      );
    }
    return value;
  };
  return {
    concurrency: Math.floor(positive('concurrency', 4)),
    leaseMs: positive('leaseSeconds', 30) * 1000,
    pollIntervalMs: positive('pollIntervalMs', 250),
    maxAttempts: Math.floor(positive('maxAttempts', 3)),
    shutdownGraceMs: positive('shutdownGraceSeconds', 5) * 1000,
    recoveryFrequencySeconds: positive('recoveryFrequencySeconds', 30),
  };
}

/** What the plugin gives {@link startOperationRunner}. */
export interface StartOperationRunnerOptions {
  /** The plugin's records (the runner claims and records operations through {@link DockerEnvStore.operations}). */
  store: DockerEnvStore;
  config: RootConfigService;
  logger: LoggerService;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  registry: OperationRegistry;
  loadTarget(operation: OperationRecord): Promise<OperationTarget>;
  onOperationEnded?: OperationEndedHook;
  afterOperationEnded?: OperationAfterEndedHook;
}

/**
 * Wires the runner into the plugin: it starts when the plugin has started (its first poll takes over operations whose
 * claim expired, e.g. after a restart), polls every `pollIntervalMs` and when woken, sweeps for expired claims on a
 * global schedule (which an admin can also trigger through the scheduler), and stops gracefully on shutdown.
 * Call `wake()` on the returned runner after inserting an operation. Returns undefined when
 * `dockerEnv.runner.enabled` is false (a replica that serves the API only).
 */
export async function startOperationRunner(
  options: StartOperationRunnerOptions,
): Promise<OperationRunner | undefined> {
  if (options.config.getOptionalBoolean('dockerEnv.runner.enabled') === false) {
    options.logger.info(
      'Operation runner disabled (dockerEnv.runner.enabled: false); another replica runs operations',
    );
    return undefined;
  }
  const settings = readRunnerConfig(options.config);
  const ownerId = `${hostname()}:${process.pid}:${randomUUID()}`;
  const logger = options.logger.child({ component: 'operation-runner' });
  const runner = new OperationRunner({
    queue: new OperationQueue(options.store, {
      ownerId,
      leaseMs: settings.leaseMs,
    }),
    registry: options.registry,
    loadTarget: options.loadTarget,
    onOperationEnded: options.onOperationEnded,
    afterOperationEnded: options.afterOperationEnded,
    logger,
    concurrency: settings.concurrency,
    pollIntervalMs: settings.pollIntervalMs,
    maxAttempts: settings.maxAttempts,
    shutdownGraceMs: settings.shutdownGraceMs,
  });
  options.lifecycle.addStartupHook(() => {
    logger.info(
      `Operation runner ${ownerId} started (${settings.concurrency} at once, lease ${settings.leaseMs} ms)`,
    );
    runner.start();
  });
  options.lifecycle.addShutdownHook(() => runner.stop());
  await options.scheduler.scheduleTask({
    id: 'docker-env-operation-recovery',
    frequency: { seconds: settings.recoveryFrequencySeconds },
    timeout: { seconds: Math.max(60, settings.recoveryFrequencySeconds) },
    scope: 'global',
    fn: async () => {
      const recovered = await runner.poll();
      if (recovered > 0) {
        logger.info(
          `Recovery sweep started ${recovered} queued or abandoned operation(s)`,
        );
      }
    },
  });
  return runner;
}
