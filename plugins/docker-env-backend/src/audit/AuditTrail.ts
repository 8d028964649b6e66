import { AuditorService } from '@backstage/backend-plugin-api';
import { Request } from 'express';
import type { AuditEntry, DockerEnvStore } from '../store';

/**
 * Every mutating call leaves one append-only row in `audit_events`, written in the change's own transaction, and the
 * same event through Backstage's auditor service once the transaction has committed.
 */
export class AuditTrail {
  constructor(private readonly auditor: AuditorService) {}

  /** Appends the row inside `tx` (the caller's transaction). */
  async write(tx: DockerEnvStore, entry: AuditEntry): Promise<void> {
    await tx.appendAudit(entry);
  }

  /** Writes the row in its own transaction and emits it: for refusals, which change nothing else. */
  async refuse(
    store: DockerEnvStore,
    entry: Omit<AuditEntry, 'result'>,
    error: Error,
    req?: Request,
  ): Promise<void> {
    await store.appendAudit({
      ...entry,
      result: 'refused',
      reason: error.message,
    });
    await this.emit(
      { ...entry, result: 'refused', reason: error.message },
      req,
      error,
    );
  }

  /** Emits the event through the auditor service (after commit). */
  async emit(entry: AuditEntry, req?: Request, error?: Error): Promise<void> {
    const event = await this.auditor.createEvent({
      eventId: entry.action.replace(/[._]/g, '-'),
      severityLevel: 'medium',
      request: req,
      meta: {
        actor: entry.actor,
        target: entry.target,
        environmentId: entry.environmentId,
        ...(entry.reason ? { reason: entry.reason } : {}),
      },
    });
    if (entry.result === 'succeeded') await event.success();
    else
      await event.fail({
        error: error ?? new Error(entry.reason ?? entry.result),
      });
  }
}
