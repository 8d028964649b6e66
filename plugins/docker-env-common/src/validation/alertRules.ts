import { ValidationIssue } from './ValidationIssue';

/**
 * The kinds of alert incident: a container that exited unasked, a crash loop, a failing health check, and the CT's
 * CPU, memory or disk over a threshold for a while (`usage`, whose subject is the resource).
 *
 * @public
 */
export const ALERT_KINDS = [
  'exit',
  'crash_loop',
  'unhealthy',
  'usage',
] as const;

/** One of {@link ALERT_KINDS}. @public */
export type AlertKind = (typeof ALERT_KINDS)[number];

/** The CT resources a usage rule watches. @public */
export const ALERT_RESOURCES = ['cpu', 'memory', 'disk'] as const;

/** One of {@link ALERT_RESOURCES}. @public */
export type AlertResource = (typeof ALERT_RESOURCES)[number];

/** A usage rule: over `thresholdPercent` of the CT's limit for `forSeconds`. @public */
export interface UsageAlertRule {
  enabled: boolean;
  /** 1 to 100. */
  thresholdPercent: number;
  /** 0 to 86400. */
  forSeconds: number;
}

/**
 * An environment's alert rules (`GET`/`PUT /environments/{name}/alert-rules`).
 *
 * @public
 */
export interface AlertRules {
  /** All alerts of the environment on or off. */
  enabled: boolean;
  /** A container exits when the portal did not stop it (exit, OOM kill, `docker kill`, a stop by hand). */
  exit: { enabled: boolean };
  /** `restarts` restarts (2 to 100) within `windowSeconds` (10 to 86400). */
  crashLoop: { enabled: boolean; restarts: number; windowSeconds: number };
  /** A container's health check turns unhealthy. */
  unhealthy: { enabled: boolean };
  cpu: UsageAlertRule;
  memory: UsageAlertRule;
  disk: UsageAlertRule;
  /** ISO 8601: until then incidents are recorded but nobody is told; null when not silenced. */
  silencedUntil: string | null;
}

const SECTIONS: Record<string, Record<string, [number, number] | 'boolean'>> = {
  exit: { enabled: 'boolean' },
  crashLoop: {
    enabled: 'boolean',
    restarts: [2, 100],
    windowSeconds: [10, 86_400],
  },
  unhealthy: { enabled: 'boolean' },
  ...Object.fromEntries(
    ALERT_RESOURCES.map(r => [
      r,
      {
        enabled: 'boolean',
        thresholdPercent: [1, 100],
        forSeconds: [0, 86_400],
      },
    ]),
  ),
};

/**
 * Days ahead a silence may reach.
 *
 * @public
 */
export const MAX_SILENCE_DAYS = 30;

/**
 * Checks a change of alert rules (a partial {@link AlertRules}: what is left out keeps its value): known fields only,
 * booleans, whole numbers within their range, `silencedUntil` a time within {@link MAX_SILENCE_DAYS} days or null.
 * Each issue names the field (`cpu.thresholdPercent`) and the rule.
 *
 * @public
 */
export function validateAlertRules(
  input: unknown,
  now = new Date(),
): ValidationIssue[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return [{ field: 'body', rule: 'must be an object of alert rules' }];
  const issues: ValidationIssue[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (key === 'enabled') {
      if (typeof value !== 'boolean')
        issues.push({ field: key, rule: 'must be true or false' });
    } else if (key === 'silencedUntil') {
      if (value === null) continue;
      const at = typeof value === 'string' ? Date.parse(value) : NaN;
      if (
        typeof value !== 'string' ||
        !/^\d{4}-\d{2}-\d{2}T/.test(value) ||
        Number.isNaN(at)
      )
        issues.push({
          field: key,
          rule: 'must be an ISO 8601 date-time or null',
        });
      else if (at > now.getTime() + MAX_SILENCE_DAYS * 86_400_000)
        issues.push({
          field: key,
          rule: `must be at most ${MAX_SILENCE_DAYS} days ahead`,
        });
    } else if (SECTIONS[key]) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        issues.push({ field: key, rule: 'must be an object' });
        continue;
      }
      for (const [field, v] of Object.entries(value)) {
        const rule = SECTIONS[key][field];
        const name = `${key}.${field}`;
        if (!rule) issues.push({ field: name, rule: 'is not a rule field' });
        else if (rule === 'boolean') {
          if (typeof v !== 'boolean')
            issues.push({ field: name, rule: 'must be true or false' });
        } else if (
          typeof v !== 'number' ||
          !Number.isInteger(v) ||
          v < rule[0] ||
          v > rule[1]
        )
          issues.push({
            field: name,
            rule: `must be a whole number from ${rule[0]} to ${rule[1]}`,
          });
      }
    } else {
      issues.push({ field: key, rule: 'is not an alert rule' });
    }
  }
  return issues;
}

/**
 * `base` with a valid change applied (sections merged field by field).
 *
 * @public
 */
export function mergeAlertRules(
  base: AlertRules,
  change: Partial<Record<keyof AlertRules, unknown>>,
): AlertRules {
  const out = JSON.parse(JSON.stringify(base)) as AlertRules;
  for (const [key, value] of Object.entries(change)) {
    if (value === undefined) continue;
    if (SECTIONS[key])
      Object.assign((out as any)[key], value as Record<string, unknown>);
    else (out as any)[key] = value;
  }
  return out;
}
