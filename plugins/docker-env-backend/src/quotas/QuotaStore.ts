import { randomUUID } from 'node:crypto';
import { NAME_HOLDING_STATUSES } from '@docker-env/plugin-docker-env-common';
import type { Environment } from '@docker-env/plugin-docker-env-common';
import { Knex } from 'knex';
import { readTimestamp } from '../store/rows';
import type { DockerEnvStore } from '../store/types';
import {
  ApprovalRequest,
  ApprovalStatus,
  QuotaLimits,
  QuotaStore,
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

function toLimits(row: QuotaRow): QuotaLimits {
  return {
    cpuCores: Number(row.cpu_cores),
    memoryMb: Number(row.memory_mb),
    diskGb: Number(row.disk_gb),
    environments: Number(row.environments),
    containers: Number(row.containers),
  };
}

interface QuotaRow {
  owner: string;
  cpu_cores: number;
  memory_mb: number;
  disk_gb: number;
  environments: number;
  containers: number;
}

interface RequestRow {
  id: string;
  environment_id: string;
  owner: string;
  requested_by: string;
  status: ApprovalStatus;
  quota_reason: string;
  decided_by: string | null;
  decision_reason: string | null;
  created_at: unknown;
  decided_at: unknown;
}

/** A request row with what it asks for (its environment's name, size and resources). */
function toRequest(row: RequestRow, environment: Environment): ApprovalRequest {
  return {
    id: row.id,
    environmentId: row.environment_id,
    environment: environment.name,
    owner: row.owner,
    requestedBy: row.requested_by,
    status: row.status,
    quotaReason: row.quota_reason,
    decidedBy: row.decided_by ?? null,
    reason: row.decision_reason ?? null,
    size: environment.size,
    cpuCores: environment.cpuCores,
    memoryMb: environment.memoryMb,
    diskGb: environment.diskGb,
    createdAt: readTimestamp(row.created_at)!,
    decidedAt: readTimestamp(row.decided_at),
  };
}

/**
 * The knex implementation of {@link QuotaStore}; what environments hold and deploy comes from their stores, on the
 * same connection or transaction.
 */
export class DatabaseQuotaStore implements QuotaStore {
  constructor(
    private readonly db: Knex,
    private readonly records: Pick<
      DockerEnvStore,
      'findEnvironments' | 'getEnvironmentById' | 'operations'
    >,
  ) {}

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

  async getLimits(owner: string): Promise<QuotaLimits | undefined> {
    const row = await this.db('quotas').where({ owner }).first();
    return row ? toLimits(row) : undefined;
  }

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
    const environments = await this.holding(owner);
    const containers = await this.containersOf(environments);
    const sum = (f: (e: Environment) => number) =>
      environments.reduce((total, e) => total + f(e), 0);
    return {
      cpuCores: sum(e => e.cpuCores),
      memoryMb: sum(e => e.memoryMb),
      diskGb: sum(e => e.diskGb),
      environments: environments.length,
      containers: containers.size,
    };
  }

  /**
   * The distinct containers (environment and container name) of the owner's name-holding environments recorded by
   * its queued, running or succeeded `deploy` operations: queued ones reserve their container, a redeploy of a name
   * counts once, a rolled-back or failed first deploy left nothing.
   */
  async deployedContainers(owner: string): Promise<Set<string>> {
    return this.containersOf(await this.holding(owner));
  }

  private holding(owner: string) {
    return this.records.findEnvironments({
      owner,
      statuses: NAME_HOLDING_STATUSES,
    });
  }

  private async containersOf(environments: Environment[]) {
    const deploys = await this.records
      .operations()
      .containerHoldingDeploys(environments.map(e => e.id));
    const containers = new Set<string>();
    for (const { environmentId, input } of deploys) {
      const container = (input.deployment as { container?: unknown })
        ?.container;
      if (typeof container === 'string')
        containers.add(containerKey(environmentId, container));
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

  async getRequest(id: string): Promise<ApprovalRequest | undefined> {
    const row: RequestRow | undefined = await this.db('approval_requests')
      .where({ id })
      .first();
    return row && (await this.withEnvironments([row]))[0];
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
    const qb = this.db('approval_requests').orderBy([
      { column: 'created_at' },
      { column: 'id' },
    ]);
    if (status) qb.where('status', status);
    return this.withEnvironments(await qb);
  }

  /** The requests with their environments (a request's environment is deleted with it: the foreign key cascades). */
  private async withEnvironments(
    rows: RequestRow[],
  ): Promise<ApprovalRequest[]> {
    if (rows.length === 0) return [];
    const environments = new Map(
      (
        await this.records.findEnvironments({
          ids: [...new Set(rows.map(r => r.environment_id))],
        })
      ).map(e => [e.id, e]),
    );
    return rows
      .filter(r => environments.has(r.environment_id))
      .map(r => toRequest(r, environments.get(r.environment_id)!));
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
