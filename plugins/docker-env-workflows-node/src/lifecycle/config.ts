import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  ConfigError,
  buildFromConfig,
} from '@docker-env/plugin-docker-env-node';
import { assertStorageId } from '@docker-env/plugin-docker-env-node';
import { readOwnerRegistries } from '../registries/config';
import type { LifecycleConfig } from './types';

const DEFAULTS: Omit<
  LifecycleConfig,
  'backupStorage' | 'pausedRoute' | 'registries'
> = {
  shutdownTimeoutSeconds: 60,
  containerStopTimeoutSeconds: 20,
  taskTimeoutMs: 300_000,
  backupTimeoutMs: 3_600_000,
  ipTimeoutMs: 120_000,
  dockerReadyTimeoutMs: 120_000,
  pollIntervalMs: 1000,
  backupMode: 'snapshot',
  agentContainerName: 'portainer_agent',
  agentPort: 9001,
  teamPrefix: 'docker-env-',
};

/**
 * A full {@link LifecycleConfig} from the given values and the defaults; checks every value and names the field
 * that is wrong.
 *
 * @public
 */
export function lifecycleConfig(
  values: Partial<LifecycleConfig> &
    Pick<LifecycleConfig, 'backupStorage' | 'pausedRoute'>,
): LifecycleConfig {
  const c: LifecycleConfig = { ...DEFAULTS, ...values };
  const positive: Array<keyof LifecycleConfig> = [
    'taskTimeoutMs',
    'backupTimeoutMs',
    'ipTimeoutMs',
    'dockerReadyTimeoutMs',
    'pollIntervalMs',
  ];
  for (const key of positive) {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
      throw new InputError(`lifecycle.${key}: must be a whole number >= 1`);
  }
  for (const key of [
    'shutdownTimeoutSeconds',
    'containerStopTimeoutSeconds',
  ] as const) {
    const v = c[key];
    if (!Number.isInteger(v) || v < 0 || v > 3600)
      throw new InputError(`lifecycle.${key}: must be 0-3600 seconds`);
  }
  assertStorageId(c.backupStorage, 'lifecycle.backupStorage');
  if (c.backupMode !== 'snapshot' && c.backupMode !== 'stop')
    throw new InputError('lifecycle.backupMode: must be snapshot or stop');
  const paused = c.pausedRoute;
  if (!paused || (paused.service === undefined) === (paused.url === undefined))
    throw new InputError(
      'lifecycle.pausedRoute: give exactly one of service (a Traefik service such as paused@file) or url',
    );
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(c.agentContainerName))
    throw new InputError(
      'lifecycle.agentContainerName: must be a container name',
    );
  if (!Number.isInteger(c.agentPort) || c.agentPort < 1 || c.agentPort > 65535)
    throw new InputError('lifecycle.agentPort: must be a port (1-65535)');
  return c;
}

/**
 * Reads `dockerEnv.lifecycle` (see config.d.ts); a bad value is a `ConfigError` naming its key.
 *
 * @public
 */
export function readLifecycleConfig(config: Config): LifecycleConfig {
  return buildFromConfig('dockerEnv.lifecycle', () => {
    try {
      return read(config);
    } catch (e) {
      // lifecycleConfig names the field as `lifecycle.<key>`: give the full config key
      if (e instanceof InputError && e.message.startsWith('lifecycle.'))
        throw new ConfigError(`dockerEnv.${e.message}`);
      throw e;
    }
  });
}

function read(config: Config): LifecycleConfig {
  const c = config.getConfig('dockerEnv.lifecycle');
  const num = (key: keyof LifecycleConfig) => c.getOptionalNumber(key);
  const values: Partial<LifecycleConfig> = {
    shutdownTimeoutSeconds: num('shutdownTimeoutSeconds'),
    containerStopTimeoutSeconds: num('containerStopTimeoutSeconds'),
    taskTimeoutMs: num('taskTimeoutMs'),
    backupTimeoutMs: num('backupTimeoutMs'),
    ipTimeoutMs: num('ipTimeoutMs'),
    dockerReadyTimeoutMs: num('dockerReadyTimeoutMs'),
    pollIntervalMs: num('pollIntervalMs'),
    backupMode: c.getOptionalString(
      'backupMode',
    ) as LifecycleConfig['backupMode'],
    agentContainerName: c.getOptionalString('agentContainerName'),
    agentPort: num('agentPort'),
    // the prefix provisioning names teams with, unless the lifecycle's own is set
    teamPrefix:
      c.getOptionalString('teamPrefix') ??
      config.getOptionalString('dockerEnv.provisioning.portainer.teamPrefix'),
  };
  for (const key of Object.keys(values) as Array<keyof LifecycleConfig>)
    if (values[key] === undefined) delete values[key];
  return lifecycleConfig({
    ...values,
    registries: readOwnerRegistries(config),
    backupStorage: c.getString('backupStorage'),
    pausedRoute: {
      service: c.getOptionalString('pausedRoute.service'),
      url: c.getOptionalString('pausedRoute.url'),
    },
  });
}
