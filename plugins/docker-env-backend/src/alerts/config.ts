import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  ALERT_RESOURCES,
  type AlertRules,
} from '@docker-env/plugin-docker-env-common';

/** `dockerEnv.alerts` with its defaults: the engine's settings and every environment's default rules. */
export interface AlertSettings {
  enabled: boolean;
  exitGraceMs: number;
  checkIntervalMs: number;
  recentDays: number;
  /** The rules of an environment whose owner changed none. */
  defaults: AlertRules;
}

const USAGE_DEFAULTS = {
  cpu: { thresholdPercent: 90, forSeconds: 300 },
  memory: { thresholdPercent: 90, forSeconds: 300 },
  disk: { thresholdPercent: 90, forSeconds: 0 },
};

/** Reads `dockerEnv.alerts`; a bad value is an error naming its key and the rule. */
export function readAlertSettings(config: Config): AlertSettings {
  const c = config.getOptionalConfig('dockerEnv.alerts');
  const num = (key: string, fallback: number, min: number, max: number) => {
    const value = c?.getOptionalNumber(key) ?? fallback;
    if (!Number.isFinite(value) || value < min || value > max)
      throw new InputError(
        `dockerEnv.alerts.${key}: must be a number from ${min} to ${max}, got ${value}`,
      );
    return value;
  };
  const whole = (key: string, fallback: number, min: number, max: number) => {
    const value = num(key, fallback, min, max);
    if (!Number.isInteger(value))
      throw new InputError(
        `dockerEnv.alerts.${key}: must be a whole number, got ${value}`,
      );
    return value;
  };
  const usage = (r: (typeof ALERT_RESOURCES)[number]) => ({
    enabled: true,
    thresholdPercent: whole(
      `${r}.thresholdPercent`,
      USAGE_DEFAULTS[r].thresholdPercent,
      1,
      100,
    ),
    forSeconds: whole(
      `${r}.forSeconds`,
      USAGE_DEFAULTS[r].forSeconds,
      0,
      86_400,
    ),
  });
  return {
    enabled: c?.getOptionalBoolean('enabled') ?? true,
    exitGraceMs: num('exitGraceSeconds', 3, 0, 300) * 1000,
    checkIntervalMs: num('checkIntervalSeconds', 30, 0.1, 3600) * 1000,
    recentDays: whole('recentDays', 7, 1, 365),
    defaults: {
      enabled: true,
      exit: { enabled: true },
      crashLoop: {
        enabled: true,
        restarts: whole('crashLoop.restarts', 3, 2, 100),
        windowSeconds: whole('crashLoop.windowSeconds', 300, 1, 86_400),
      },
      unhealthy: { enabled: true },
      cpu: usage('cpu'),
      memory: usage('memory'),
      disk: usage('disk'),
      silencedUntil: null,
    },
  };
}
