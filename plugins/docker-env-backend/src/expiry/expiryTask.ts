import { ConflictError } from '@backstage/errors';
import {
  SETTLED_ENVIRONMENT_STATUSES,
  type Environment,
  type EnvironmentStatus,
} from '@docker-env/plugin-docker-env-common';
import type { EnvironmentEvents } from '../events';
import type { EnvironmentNotice, Notifier } from '../notifications';
import { carriedFacts } from '../operations/facts';
import { CLEANUP_PLAN } from '../operations/registry';
import { LEFTOVER_STATUS } from '../runner/environmentRecord';
import type { DockerEnvStore } from '../store';

/** What the expiry task does to an environment past its `expiresOn` (`dockerEnv.lifecycle.expiry.action`). */
export type ExpiryAction = 'pause' | 'delete';

/** The actor the expiry task writes in the audit log and the operations it queues. */
export const EXPIRY_ACTOR = 'plugin:docker-env/expiry';

const DAY_MS = 24 * 60 * 60 * 1000;
const WARNINGS = [
  { warning: '1d', days: 1 },
  { warning: '7d', days: 7 },
] as const;

/** What the task needs; `now` is the clock (tests fix it). */
export interface ExpiryTaskDeps {
  store: DockerEnvStore;
  notifier: Pick<Notifier, 'stage' | 'sendSoon'>;
  /** Tells the catalog and the pages that a queued pause or delete moved the status. */
  environmentEvents: Pick<EnvironmentEvents, 'changed'>;
  action: ExpiryAction;
  now?: () => Date;
}

/** What one run did, for the log and tests. */
export interface ExpiryRunReport {
  warned: string[];
  queued: string[];
  /** `<name>: <the 409>`: expired environments another operation holds; the next run tries again. */
  skipped: string[];
}

/** The moment an environment expires: the start of its `expiresOn` day, UTC. */
function expiryMoment(expiresOn: string): number {
  return Date.parse(`${expiresOn}T00:00:00Z`);
}

/**
 * One run of the expiry task: warns each owner 7 days and 1 day before `expiresOn` (each warning once per date,
 * recorded in `expiry_warnings`), then queues the configured action for environments past their date.
 */
export async function runExpiry(
  deps: ExpiryTaskDeps,
): Promise<ExpiryRunReport> {
  const now = (deps.now ?? (() => new Date()))();
  const report: ExpiryRunReport = { warned: [], queued: [], skipped: [] };
  // an expired cleanup_required environment is cleaned up whatever the action: it never served, and what an
  // operation left behind must not outlive the date its owner gave
  const actionable: readonly EnvironmentStatus[] =
    deps.action === 'pause'
      ? ['ready', LEFTOVER_STATUS]
      : [...SETTLED_ENVIRONMENT_STATUSES, LEFTOVER_STATUS];
  const expiring = await deps.store.findEnvironments({
    statuses: [...SETTLED_ENVIRONMENT_STATUSES, LEFTOVER_STATUS],
    expiring: true,
  });
  for (const environment of expiring) {
    if (!environment.expiresOn) continue;
    const left = expiryMoment(environment.expiresOn) - now.getTime();
    if (environment.status === LEFTOVER_STATUS && left > 0) continue;
    if (left <= 0) {
      if (!actionable.includes(environment.status)) continue;
      const refused = await queueExpiryAction(deps, environment, now);
      if (refused) report.skipped.push(`${environment.name}: ${refused}`);
      else report.queued.push(environment.name);
      continue;
    }
    const due = WARNINGS.find(w => left <= w.days * DAY_MS);
    if (due && (await warnOnce(deps, environment, due.warning, due.days, now)))
      report.warned.push(`${environment.name} ${due.warning}`);
  }
  return report;
}

async function warnOnce(
  deps: ExpiryTaskDeps,
  environment: Environment,
  warning: string,
  days: number,
  now: Date,
): Promise<boolean> {
  const then = deps.action === 'pause' ? 'paused' : 'deleted';
  const first = await deps.store.transaction(async tx => {
    const recorded = await tx.expiryWarnings().recordOnce({
      environmentId: environment.id,
      expiresOn: environment.expiresOn!,
      warning,
      sentAt: now,
    });
    if (recorded)
      await deps.notifier.stage(expiryNotice(environment, days, then), tx);
    return recorded;
  });
  if (first) deps.notifier.sendSoon();
  return first;
}

function expiryNotice(
  environment: Environment,
  days: number,
  then: string,
): EnvironmentNotice {
  return {
    event: 'environment.expiring',
    environment,
    title: `${environment.name} expires in ${
      days === 1 ? '1 day' : `${days} days`
    }`,
    description: `Your Docker environment ${environment.name} expires on ${environment.expiresOn} and will then be ${then}. Extend it (PATCH /environments/${environment.name} with a later expiresOn) if you still need it.`,
    link: environment.url ?? undefined,
    severity: days === 1 ? 'high' : 'normal',
  };
}

/**
 * Queues the pause or delete of an expired environment, as the API would, under the environment's exclusive lock;
 * the 409's message when another operation (a rollout too) holds it.
 */
async function queueExpiryAction(
  deps: ExpiryTaskDeps,
  environment: Environment,
  now: Date,
): Promise<string | undefined> {
  const facts = await carriedFacts(deps, environment);
  const reason = `expired on ${environment.expiresOn}`;
  const cleanup = environment.status === LEFTOVER_STATUS;
  const kind = cleanup ? 'delete' : deps.action;
  try {
    const moved = await deps.store.transaction(async tx => {
      await tx
        .operations()
        .lockEnvironment(environment.id, `env:${environment.id}`);
      const current = await tx.getEnvironmentById(environment.id);
      if (!current || current.status !== environment.status) return undefined;
      const operation = await tx.insertOperation({
        environmentId: current.id,
        kind,
        input: {
          ...facts,
          vmid: current.vmid,
          node: current.node,
          previousStatus: current.status,
          ...(cleanup ? { plan: CLEANUP_PLAN } : {}),
        },
        requestedBy: EXPIRY_ACTOR,
        lockKey: `env:${current.id}`,
      });
      const updated = await tx.updateEnvironment(current.id, {
        status: kind === 'pause' ? 'pausing' : 'deleting',
        statusReason: reason,
      });
      await tx.appendAudit({
        actor: EXPIRY_ACTOR,
        action: `environment.${kind}`,
        target: current.name,
        environmentId: current.id,
        result: 'succeeded',
        reason,
        details: { operationId: operation.id, at: now.toISOString() },
      });
      return updated;
    });
    if (moved) await deps.environmentEvents.changed(moved, 'status');
  } catch (error) {
    // an operation already holds the environment: the next run tries again
    if (error instanceof ConflictError) return error.message;
    throw error;
  }
  return undefined;
}
