import { Knex } from 'knex';
import { readJson, readTimestamp } from './rows';
import { AuditEntry, AuditEvent, AuditQuery, NewDelivery } from './types';

/** The append-only parts of the store: audit events and delivery records. */
export abstract class AuditLogStore {
  protected constructor(protected readonly db: Knex) {}

  async appendAudit(entry: AuditEntry): Promise<AuditEvent> {
    const row = {
      at: new Date(),
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      environment_id: entry.environmentId,
      result: entry.result,
      reason: entry.reason ?? null,
      request_id: entry.requestId ?? null,
      details: JSON.stringify(entry.details ?? {}),
    };
    const [inserted] = await this.db('audit_events').insert(row, ['id']);
    const id = typeof inserted === 'object' ? inserted.id : inserted;
    return {
      id: Number(id),
      at: row.at.toISOString(),
      actor: row.actor,
      action: row.action,
      target: row.target,
      environmentId: row.environment_id,
      result: row.result,
      reason: row.reason,
      requestId: row.request_id,
      details: entry.details ?? {},
    };
  }

  async listAuditEvents(query: AuditQuery): Promise<AuditEvent[]> {
    const qb = this.db('audit_events')
      .orderBy('id', 'desc')
      .limit(query.limit ?? 100);
    if (query.environmentId) {
      const { environmentId, environmentName } = query;
      qb.where(b => {
        b.where('environment_id', environmentId);
        if (environmentName) {
          b.orWhere(u =>
            u.whereNull('environment_id').andWhere('target', environmentName),
          );
        }
      });
    }
    if (query.actor) qb.where('actor', query.actor);
    if (query.action) qb.where('action', query.action);
    if (query.from) qb.where('at', '>=', query.from);
    if (query.to) qb.where('at', '<', query.to);
    const rows = await qb;
    return rows.map((r: any) => ({
      id: Number(r.id),
      at: readTimestamp(r.at)!,
      actor: r.actor,
      action: r.action,
      target: r.target ?? null,
      environmentId: r.environment_id ?? null,
      result: r.result,
      reason: r.reason ?? null,
      requestId: r.request_id ?? null,
      details: readJson(r.details, {}),
    }));
  }

  async insertDelivery(input: NewDelivery): Promise<number> {
    const [inserted] = await this.db('deliveries').insert(
      {
        environment_id: input.environmentId,
        operation_id: input.operationId,
        channel: input.channel,
        event: input.event,
        recipient: input.recipient,
        status: 'pending',
        attempts: 0,
        error: null,
        created_at: new Date(),
        ended_at: null,
      },
      ['id'],
    );
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  async finishDelivery(
    id: number,
    outcome: {
      status: 'delivered' | 'failed';
      attempts: number;
      error?: string;
    },
  ): Promise<void> {
    await this.db('deliveries')
      .where({ id })
      .update({
        status: outcome.status,
        attempts: outcome.attempts,
        error: outcome.error ?? null,
        ended_at: new Date(),
      });
  }

  async listDeliveries(environmentId: string) {
    const rows = await this.db('deliveries')
      .where({ environment_id: environmentId })
      .orderBy('id');
    return rows.map((r: any) => ({
      id: Number(r.id),
      environmentId: r.environment_id,
      operationId: r.operation_id ?? null,
      channel: r.channel,
      event: r.event,
      recipient: r.recipient,
      status: r.status,
      attempts: Number(r.attempts),
      error: r.error ?? null,
    }));
  }
}
