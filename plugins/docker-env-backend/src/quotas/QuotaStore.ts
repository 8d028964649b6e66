import { randomUUID } from 'node:crypto';
import { NAME_HOLDING_STATUSES } from '@docker-env/plugin-docker-env-common';
import { Knex } from 'knex';
import { readTimestamp } from '../store/rows';
import {
  ApprovalRequest,
  ApprovalStatus,
  QuotaLimits,
  QuotaUsage,
} from './types';

/** The key of the stored defaults in `quotas`. */
export const DEFAULT_QUOTA_KEY = 'default';

/** An arbitrary first key of the PostgreSQL advisory locks this store takes (`pg_advisory_xact_lock(int, int)`). */
const QUOTA_LOCK_CLASS = 74_201;

/** The key {@link QuotaStore.deployedContainers} holds a container under. */
export function containerKey(environmentId: string, container: string) {
  return `${environmentId}/${container}`;
}

function toLimits(row: any): QuotaLimits {
  return {
    cpuCores: Number(row.cpu_cores),
    memoryMb: Number(row.memory_mb),
    diskGb: Number(row.disk_gb),
    environments: Number(row.environments),
    containers: Number(row.containers),
  };
}

function toRequest(row: any): ApprovalRequest {
  return {
    id: row.id,
    environmentId: row.environment_id,
    environment: row.name,
    owner: row.owner,
    requestedBy: row.requested_by,
    status: row.status,
    quotaReason: row.quota_reason,
    decidedBy: row.decided_by ?? null,
    reason: row.decision_reason ?? null,
    size: row.size,
    cpuCores: Number(row.cpu_cores),
    memoryMb: Number(row.memory_mb),
    diskGb: Number(row.disk_gb),
    createdAt: readTimestamp(row.created_at)!,
    decidedAt: readTimestamp(row.decided_at),
  };
}

/**
 * The quota and approval records on one connection or transaction: overrides, the stored default, usage, and
 * approval requests. {@link QuotaStore.lockOwner} serialises quota decisions per owner inside a transaction.
 */
export class QuotaStore {
  constructor(private readonly db: Knex) {}

  /**
   * Takes the owner's quota lock until the surrounding transaction ends: a PostgreSQL transaction-level advisory
   * lock, so two creates for one owner decide one after the other on the usage the first one left. SQLite has a
   * single writer (the pool holds one connection), which serialises the transactions already.
   */
  async lockOwner(owner: string): Promise<void> {
    if (this.db.client.config.client === 'pg') {
      await this.db.raw('SELECT pg_advisory_xact_lock(?, hashtext(?))', [
        QUOTA_LOCK_CLASS,
        owner,
      ]);
    }
  }

  /** The override of an owner (or, with {@link DEFAULT_QUOTA_KEY}, the stored default); undefined when unset. */
  async getLimits(owner: string): Promise<QuotaLimits | undefined> {
    const row = await this.db('quotas').where({ owner }).first();
    return row ? toLimits(row) : undefined;
  }

  /** Sets (inserts or replaces) an owner's override or the stored default. */
  async setLimits(
    owner: string,
    limits: QuotaLimits,
    updatedBy: string,
  ): Promise<void> {
    await this.db('quotas')
      .insert({
        owner,
        cpu_cores: limits.cpuCores,
        memory_mb: limits.memoryMb,
        disk_gb: limits.diskGb,
        environments: limits.environments,
        containers: limits.containers,
        updated_by: updatedBy,
        updated_at: new Date(),
      })
      .onConflict('owner')
      .merge();
  }

  /** What the owner's environments that hold a name hold (pending approval included), and their containers. */
  async usage(owner: string): Promise<QuotaUsage> {
    const row: any = await this.db('environments')
      .where({ owner })
      .whereIn('status', NAME_HOLDING_STATUSES)
      .first(
        this.db.raw('COUNT(*) AS n'),
        this.db.raw('COALESCE(SUM(cpu_cores), 0) AS cpu'),
        this.db.raw('COALESCE(SUM(memory_mb), 0) AS mem'),
        this.db.raw('COALESCE(SUM(disk_gb), 0) AS disk'),
      );
    const containers = await this.deployedContainers(owner);
    return {
      cpuCores: Number(row?.cpu ?? 0),
      memoryMb: Number(row?.mem ?? 0),
      diskGb: Number(row?.disk ?? 0),
      environments: Number(row?.n ?? 0),
      containers: containers.size,
    };
  }

  /**
   * The distinct containers (environment and container name) of the owner's name-holding environments recorded by
   * its queued, running or succeeded `deploy` operations: queued ones reserve their container, a redeploy of a name
   * counts once, a rolled-back or failed first deploy left nothing.
   */
  async deployedContainers(owner: string): Promise<Set<string>> {
    const rows: Array<{ environment_id: string; input: string }> =
      await this.db('operations')
        .join('environments', 'environments.id', 'operations.environment_id')
        .where('environments.owner', owner)
        .whereIn('environments.status', NAME_HOLDING_STATUSES)
        .where('operations.kind', 'deploy')
        .whereIn('operations.status', ['queued', 'running', 'succeeded'])
        .select('operations.environment_id', 'operations.input');
    const containers = new Set<string>();
    for (const row of rows) {
      const input =
        typeof row.input === 'string' ? JSON.parse(row.input) : row.input;
      const container = input?.deployment?.container;
      if (typeof container === 'string')
        containers.add(containerKey(row.environment_id, container));
    }
    return containers;
  }

  /** Records a pending request for an environment created over quota. */
  async insertRequest(input: {
    environmentId: string;
    owner: string;
    requestedBy: string;
    quotaReason: string;
  }): Promise<ApprovalRequest> {
    const id = randomUUID();
    await this.db('approval_requests').insert({
      id,
      environment_id: input.environmentId,
      owner: input.owner,
      requested_by: input.requestedBy,
      status: 'pending',
      quota_reason: input.quotaReason,
      decided_by: null,
      decision_reason: null,
      created_at: new Date(),
      decided_at: null,
    });
    return (await this.getRequest(id))!;
  }

  private requests() {
    return this.db('approval_requests as r')
      .join('environments as e', 'e.id', 'r.environment_id')
      .select(
        'r.*',
        'e.name',
        'e.size',
        'e.cpu_cores',
        'e.memory_mb',
        'e.disk_gb',
      );
  }

  async getRequest(id: string): Promise<ApprovalRequest | undefined> {
    const row = await this.requests().where('r.id', id).first();
    return row ? toRequest(row) : undefined;
  }

  /**
   * Reads a request and locks its row until the transaction ends (PostgreSQL `FOR UPDATE`), so two admins deciding
   * at once decide one after the other.
   */
  async getRequestForUpdate(id: string): Promise<ApprovalRequest | undefined> {
    const qb = this.db('approval_requests').where({ id });
    if (this.db.client.config.client === 'pg') qb.forUpdate();
    return (await qb.first()) ? this.getRequest(id) : undefined;
  }

  /** Requests with the status, oldest first. */
  async listRequests(status?: ApprovalStatus): Promise<ApprovalRequest[]> {
    const qb = this.requests().orderBy([
      { column: 'r.created_at' },
      { column: 'r.id' },
    ]);
    if (status) qb.where('r.status', status);
    return (await qb).map(toRequest);
  }

  /** Records an admin's decision on a pending request. */
  async decideRequest(
    id: string,
    decision: {
      status: Exclude<ApprovalStatus, 'pending'>;
      decidedBy: string;
      reason: string | null;
    },
  ): Promise<void> {
    await this.db('approval_requests').where({ id, status: 'pending' }).update({
      status: decision.status,
      decided_by: decision.decidedBy,
      decision_reason: decision.reason,
      decided_at: new Date(),
    });
  }
}
