import { ConflictError } from '@backstage/errors';
import {
  SETTLED_ENVIRONMENT_STATUSES,
  type Environment,
} from '@docker-env/plugin-docker-env-common';
import type {
  LxcSnapshot,
  ProxmoxClient,
} from '@docker-env/plugin-docker-env-node';
import { carriedFacts } from '../operations/facts';
import type { DockerEnvStore } from '../store';
import { isPortalSnapshotName } from './snapshotNames';

/** The actor the retention task writes in the audit log and the operations it queues. */
export const RETENTION_ACTOR = 'system:retention';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the retention task needs; `now` is the clock (tests fix it). */
export interface RetentionTaskDeps {
  store: DockerEnvStore;
  /** Proxmox's snapshot list (built on first use by the scheduler, so a backend without Proxmox config starts). */
  proxmox: () => Pick<ProxmoxClient, 'listSnapshots'>;
  retentionDays: number;
  /** `portal` (default): only snapshots with the portal's mark ({@link isPortalSnapshotName}); `all`: every one. */
  scope?: RetentionScope;
  now?: () => Date;
}

/** Which snapshots retention prunes: the portal's (`portal`) or every one on a managed CT (`all`). */
export type RetentionScope = 'portal' | 'all';

/** What one run queued, as `<environment>/<snapshot>`, for the log and tests. */
export interface RetentionRunReport {
  queued: string[];
  /** `<name>: <the 409>`: environments another operation holds; the next run tries again. */
  skipped: string[];
}

/**
 * One run of snapshot retention: every snapshot the portal made on a managed CT (its name carries the portal's mark;
 * with scope `all`, every snapshot) older than `retentionDays` by its Proxmox `snaptime` (the recorded `createdAt` when Proxmox gives none) is deleted through a
 * `snapshot_delete` operation (one per environment, naming all its expired snapshots), so the runner carries it
 * through a crash, with an audit event per snapshot. An environment with an operation under way is left for the next
 * run; a rerun finds nothing to do for what it queued.
 */
export async function runSnapshotRetention(
  deps: RetentionTaskDeps,
): Promise<RetentionRunReport> {
  const now = (deps.now ?? (() => new Date()))();
  const cutoff = now.getTime() - deps.retentionDays * DAY_MS;
  const report: RetentionRunReport = { queued: [], skipped: [] };
  const withCt = await deps.store.findEnvironments({
    statuses: SETTLED_ENVIRONMENT_STATUSES,
    withVmid: true,
  });
  for (const environment of withCt) {
    if (!environment.vmid) continue;
    const records = new Map(
      (await deps.store.snapshots().listLive(environment.id)).map(r => [
        r.name,
        r,
      ]),
    );
    const takenAt = (s: LxcSnapshot) =>
      s.snaptime !== undefined
        ? s.snaptime * 1000
        : Date.parse(records.get(s.name)?.createdAt ?? '') || now.getTime();
    const expired = (
      await deps.proxmox().listSnapshots(environment.vmid)
    ).filter(
      s =>
        takenAt(s) < cutoff &&
        (deps.scope === 'all' || isPortalSnapshotName(s.name)),
    );
    if (expired.length === 0) continue;
    const refused = await queueRetentionDelete(
      deps,
      environment,
      expired.map(s => ({
        name: s.name,
        takenAt: new Date(takenAt(s)).toISOString(),
        origin: records.has(s.name) ? 'portal' : 'outside',
      })),
    );
    if (refused) report.skipped.push(`${environment.name}: ${refused}`);
    else
      report.queued.push(...expired.map(s => `${environment.name}/${s.name}`));
  }
  return report;
}

/** Queues the delete under the environment's exclusive lock; the 409's message when another operation holds it. */
async function queueRetentionDelete(
  deps: RetentionTaskDeps,
  environment: Environment,
  expired: { name: string; takenAt: string; origin: string }[],
): Promise<string | undefined> {
  const facts = await carriedFacts(deps, environment);
  const reason = `older than the ${deps.retentionDays}-day snapshot retention`;
  try {
    await deps.store.transaction(async tx => {
      await tx
        .operations()
        .lockEnvironment(environment.id, `env:${environment.id}`);
      const current = await tx.getEnvironmentById(environment.id);
      if (!current || current.status !== environment.status) return;
      const operation = await tx.insertOperation({
        environmentId: current.id,
        kind: 'snapshot_delete',
        input: {
          ...facts,
          vmid: current.vmid,
          node: current.node,
          snapshotNames: expired.map(s => s.name),
          snapshotDeleteReason: reason,
        },
        requestedBy: RETENTION_ACTOR,
        lockKey: `env:${current.id}`,
      });
      for (const snapshot of expired)
        await tx.appendAudit({
          actor: RETENTION_ACTOR,
          action: 'environment.snapshot.delete',
          target: current.name,
          environmentId: current.id,
          result: 'succeeded',
          reason,
          details: { operationId: operation.id, snapshot },
        });
    });
  } catch (error) {
    // an operation already holds the environment: the next run tries again
    if (error instanceof ConflictError) return error.message;
    throw error;
  }
  return undefined;
}
