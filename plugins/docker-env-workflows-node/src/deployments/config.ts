import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { RolloutConfig } from './types';

const DEFAULTS: RolloutConfig = {
  healthTries: 12,
  healthIntervalMs: 5000,
  healthRequestTimeoutMs: 3000,
  graceMs: 30_000,
  stopTimeoutSeconds: 0,
  pullPolicy: 'always',
  pullTimeoutMs: 600_000,
  stepTimeoutMs: 60_000,
  hostPorts: { from: 20000, to: 20999 },
  networkMode: 'bridge',
  failureLogLines: 20,
};

const LIMITS: Record<
  Exclude<keyof RolloutConfig, 'hostPorts' | 'networkMode' | 'pullPolicy'>,
  [number, number]
> = {
  healthTries: [1, 1000],
  healthIntervalMs: [0, 600_000],
  healthRequestTimeoutMs: [100, 600_000],
  graceMs: [0, 3_600_000],
  stopTimeoutSeconds: [0, 3600],
  pullTimeoutMs: [1000, 24 * 3_600_000],
  stepTimeoutMs: [1000, 3_600_000],
  failureLogLines: [0, 1000],
};

/**
 * A full {@link RolloutConfig} from the given values and the defaults; names the field that is wrong.
 *
 * @public
 */
export function rolloutConfig(
  values: Partial<RolloutConfig> = {},
): RolloutConfig {
  const c: RolloutConfig = { ...DEFAULTS, ...values };
  for (const [key, [min, max]] of Object.entries(LIMITS)) {
    const v = c[key as keyof typeof LIMITS];
    if (!Number.isInteger(v) || v < min || v > max)
      throw new InputError(
        `deployments.${key}: must be a whole number from ${min} to ${max}`,
      );
  }
  const { from, to } = c.hostPorts;
  if (
    !Number.isInteger(from) ||
    !Number.isInteger(to) ||
    from < 1024 ||
    to > 65535 ||
    from > to
  )
    throw new InputError(
      'deployments.hostPorts: from and to must be ports with 1024 <= from <= to <= 65535',
    );
  if (c.pullPolicy !== 'always' && c.pullPolicy !== 'missing')
    throw new InputError('deployments.pullPolicy: must be always or missing');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(c.networkMode))
    throw new InputError(
      'deployments.networkMode: must be bridge, host or a network name',
    );
  return c;
}

/**
 * Reads `dockerEnv.deployments` (optional; see config.d.ts).
 *
 * @public
 */
export function readRolloutConfig(config: Config): RolloutConfig {
  const c = config.getOptionalConfig('dockerEnv.deployments');
  if (!c) return rolloutConfig();
  const values: Partial<RolloutConfig> = {};
  for (const key of Object.keys(LIMITS) as Array<keyof typeof LIMITS>) {
    const v = c.getOptionalNumber(key);
    if (v !== undefined) values[key] = v;
  }
  const ports = c.getOptionalConfig('hostPorts');
  if (ports)
    values.hostPorts = {
      from: ports.getNumber('from'),
      to: ports.getNumber('to'),
    };
  const policy = c.getOptionalString('pullPolicy');
  if (policy !== undefined)
    values.pullPolicy = policy as RolloutConfig['pullPolicy'];
  const network = c.getOptionalString('networkMode');
  if (network !== undefined) values.networkMode = network;
  return rolloutConfig(values);
}
