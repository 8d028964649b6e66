import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  dockerChannelFromConfig,
  type DockerChannel,
} from '@docker-env/plugin-docker-env-workflows-node';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DockerEnvStore } from '../store/types';
import {
  ContainerWatchers,
  type ContainerFactSubscriber,
} from './ContainerWatchers';
import type { EnvironmentWatcherSettings } from './EnvironmentWatcher';
import { PortalChanges } from './PortalChanges';

/** The statuses whose containers are watched: not paused, deleting, deleted or never provisioned. */
export const WATCHED_STATUSES = ['ready', 'pausing', 'resuming'] as const;

/** `dockerEnv.watcher` with its defaults. */
export interface WatcherConfig extends EnvironmentWatcherSettings {
  enabled: boolean;
  leaseMs: number;
  portalWindowMs: number;
}

/** Reads `dockerEnv.watcher`; a bad value is an error naming the key. */
export function readWatcherConfig(config: RootConfigService): WatcherConfig {
  const w = config.getOptionalConfig('dockerEnv.watcher');
  const ms = (key: string, fallback: number, min: number) => {
    const value = w?.getOptionalNumber(key) ?? fallback;
    if (!Number.isFinite(value) || value < min)
      throw new InputError(
        `dockerEnv.watcher.${key}: must be a number of at least ${min}, got ${value}`,
      );
    return value;
  };
  return {
    enabled: w?.getOptionalBoolean('enabled') ?? true,
    leaseMs: ms('leaseSeconds', 15, 0.3) * 1000,
    fullPassMs: ms('fullPassSeconds', 300, 0.1) * 1000,
    streamMaxMs: ms('streamMaxSeconds', 300, 0.1) * 1000,
    portalWindowMs: ms('portalWindowSeconds', 10, 0) * 1000,
    backoff: {
      initialMs: ms('reconnectInitialMs', 500, 10),
      maxMs: ms('reconnectMaxMs', 30_000, 10),
    },
  };
}

/** What the plugin gives {@link startContainerWatchers}. */
export interface StartContainerWatchersOptions {
  config: RootConfigService;
  store: DockerEnvStore;
  logger: LoggerService;
  lifecycle: LifecycleService;
  subscribers: ContainerFactSubscriber[];
  /** Default: `dockerEnv.docker` (Portainer's Docker proxy). */
  docker?: DockerChannel;
}

/**
 * Starts this replica's container watchers once the plugin has started and stops them (leases given up) on shutdown.
 * Undefined when `dockerEnv.watcher.enabled` is false.
 */
export function startContainerWatchers(
  options: StartContainerWatchersOptions,
): ContainerWatchers | undefined {
  const settings = readWatcherConfig(options.config);
  const logger = options.logger.child({ component: 'container-watcher' });
  if (!settings.enabled) {
    logger.info(
      'Container watchers disabled (dockerEnv.watcher.enabled: false)',
    );
    return undefined;
  }
  let channel = options.docker;
  const watchers = new ContainerWatchers({
    ownerId: `${hostname()}:${process.pid}:${randomUUID()}`,
    leases: options.store.watchLeases(),
    targets: () => options.store.engineAddresses(WATCHED_STATUSES),
    // built on first use, so a backend with incomplete infrastructure config still starts
    docker: at => (channel ??= dockerChannelFromConfig(options.config))(at),
    portal: new PortalChanges(
      options.store.operations(),
      settings.portalWindowMs,
    ),
    subscribers: options.subscribers,
    leaseMs: settings.leaseMs,
    settings,
    logger,
  });
  options.lifecycle.addStartupHook(() => watchers.start());
  options.lifecycle.addShutdownHook(() => watchers.stop());
  return watchers;
}
