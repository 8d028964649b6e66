import { randomUUID } from 'node:crypto';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  ACTIVE_OPERATION_STATUSES,
  Environment,
  NAME_HOLDING_STATUSES,
  Operation,
} from '@docker-env/plugin-docker-env-common';
import { Knex } from 'knex';
import { QuotaStore } from '../quotas/QuotaStore';
import { AuditLogStore } from './AuditLogStore';
import {
  EnvironmentRow,
  isUniqueViolation,
  OperationRow,
  OperationStepRow,
  toEnvironment,
  toOperation,
} from './rows';
import {
  DockerEnvStore,
  EnvironmentListQuery,
  EnvironmentPage,
  EnvironmentPatch,
  EnvironmentQuery,
  IdempotentAnswer,
  NewEnvironment,
  NewOperation,
} from './types';

const migrationsDir = resolvePackagePath(
  '@docker-env/plugin-docker-env-backend',
  'migrations',
);

const QUERY_COLUMNS: Record<EnvironmentQuery['property'], string> = {
  owner: 'owner',
  name: 'name',
  status: 'status',
};

/** Applies a permission filter to a query on `environments`. */
export function applyEnvironmentFilter(
  qb: Knex.QueryBuilder,
  filter: PermissionCriteria<EnvironmentQuery>,
): void {
  if ('allOf' in filter) {
    qb.where(b =>
      filter.allOf.forEach(f => b.andWhere(i => applyEnvironmentFilter(i, f))),
    );
  } else if ('anyOf' in filter) {
    if (filter.anyOf.length === 0) qb.whereRaw('1 = 0');
    else
      qb.where(b =>
        filter.anyOf.forEach(f => b.orWhere(i => applyEnvironmentFilter(i, f))),
      );
  } else if ('not' in filter) {
    qb.whereNot(b => applyEnvironmentFilter(b, filter.not));
  } else if (filter.values.length === 0) {
    qb.whereRaw('1 = 0');
  } else {
    qb.whereIn(QUERY_COLUMNS[filter.property], filter.values);
  }
}

function encodeCursor(env: Environment): string {
  return Buffer.from(JSON.stringify([env.name, env.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      value.every(v => typeof v === 'string')
    ) {
      return value as [string, string];
    }
  } catch {
    // fall through to the error below
  }
  throw new InputError('cursor: must be a nextCursor this API returned');
}

/**
 * The knex implementation of {@link DockerEnvStore}, on SQLite (embedded default) or PostgreSQL (production).
 * Timestamps are bound as Dates, so they compare alike on both.
 */
export class DatabaseDockerEnvStore
  extends AuditLogStore
  implements DockerEnvStore
{
  /** Connects, runs the plugin's migrations (unless the database service says to skip them) and returns the store. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseDockerEnvStore> {
    const knex = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await DatabaseDockerEnvStore.migrateUp(knex);
    }
    return new DatabaseDockerEnvStore(knex);
  }

  /** Applies every migration of the plugin. */
  static async migrateUp(knex: Knex): Promise<void> {
    await knex.migrate.latest({ directory: migrationsDir });
  }

  /** Rolls every migration of the plugin back (tests and uninstalling). */
  static async migrateDown(knex: Knex): Promise<void> {
    await knex.migrate.rollback({ directory: migrationsDir }, true);
  }

  /** The store on a transaction opened elsewhere (the runner ends an operation and moves its environment in one). */
  static inTransaction(tx: Knex.Transaction): DockerEnvStore {
    return new DatabaseDockerEnvStore(tx);
  }

  private constructor(db: Knex) {
    super(db);
  }

  async transaction<T>(fn: (tx: DockerEnvStore) => Promise<T>): Promise<T> {
    return this.db.transaction(trx => fn(new DatabaseDockerEnvStore(trx)));
  }

  quotas(): QuotaStore {
    return new QuotaStore(this.db);
  }

  async insertEnvironment(input: NewEnvironment): Promise<Environment> {
    const now = new Date();
    const row = {
      id: randomUUID(),
      name: input.name,
      owner: input.owner,
      status: input.status,
      status_reason: null,
      size: input.size,
      cpu_cores: input.cpuCores,
      memory_mb: input.memoryMb,
      disk_gb: input.diskGb,
      purpose: input.purpose,
      expires_on: input.expiresOn,
      url: null,
      portainer_url: null,
      vmid: null,
      node: null,
      facts: null,
      created_by: input.createdBy,
      created_at: now,
      updated_at: now,
    };
    try {
      // A savepoint, so that a refused insert leaves a surrounding PostgreSQL transaction usable.
      await this.db.transaction(trx => trx('environments').insert(row));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          `name: "${input.name}" is taken by another environment`,
        );
      }
      throw error;
    }
    return toEnvironment(row as unknown as EnvironmentRow);
  }

  async updateEnvironment(
    id: string,
    patch: EnvironmentPatch,
  ): Promise<Environment | undefined> {
    const changes: Record<string, unknown> = { updated_at: new Date() };
    if (patch.status !== undefined) changes.status = patch.status;
    if (patch.statusReason !== undefined)
      changes.status_reason = patch.statusReason;
    if (patch.url !== undefined) changes.url = patch.url;
    if (patch.portainerUrl !== undefined)
      changes.portainer_url = patch.portainerUrl;
    if (patch.vmid !== undefined) changes.vmid = patch.vmid;
    if (patch.node !== undefined) changes.node = patch.node;
    if (patch.facts !== undefined) changes.facts = JSON.stringify(patch.facts);
    if (patch.expiresOn !== undefined) changes.expires_on = patch.expiresOn;
    try {
      await this.db.transaction(trx =>
        trx('environments').where({ id }).update(changes),
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError('name: is taken by another environment');
      }
      throw error;
    }
    return this.getEnvironmentById(id);
  }

  async getEnvironmentById(id: string): Promise<Environment | undefined> {
    const row = await this.db<EnvironmentRow>('environments')
      .where({ id })
      .first();
    return row ? toEnvironment(row) : undefined;
  }

  async getEnvironmentByName(
    name: string,
    filter?: PermissionCriteria<EnvironmentQuery>,
  ): Promise<Environment | undefined> {
    const qb = this.db<EnvironmentRow>('environments').where({ name });
    if (filter) applyEnvironmentFilter(qb, filter);
    const rows: EnvironmentRow[] = await qb;
    const holder = rows.find(r =>
      (NAME_HOLDING_STATUSES as readonly string[]).includes(r.status),
    );
    if (holder) return toEnvironment(holder);
    const newest = rows
      .map(toEnvironment)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    return newest;
  }

  async isNameHeld(name: string): Promise<boolean> {
    const row = await this.db('environments')
      .where({ name })
      .whereIn('status', NAME_HOLDING_STATUSES)
      .first('id');
    return Boolean(row);
  }

  async listEnvironments(
    query: EnvironmentListQuery,
  ): Promise<EnvironmentPage> {
    const base = () => {
      const qb = this.db<EnvironmentRow>('environments');
      if (query.owner) qb.where('owner', query.owner);
      if (query.status) qb.where('status', query.status);
      if (query.filter) applyEnvironmentFilter(qb, query.filter);
      return qb;
    };
    const page = base()
      .orderBy([{ column: 'name' }, { column: 'id' }])
      .limit(query.limit + 1);
    if (query.cursor) {
      const [name, id] = decodeCursor(query.cursor);
      page.where(b =>
        b
          .where('name', '>', name)
          .orWhere(i => i.where('name', name).andWhere('id', '>', id)),
      );
    }
    const [rows, count] = await Promise.all([
      page,
      base().count({ n: '*' }).first(),
    ]);
    const items = (rows as EnvironmentRow[])
      .slice(0, query.limit)
      .map(toEnvironment);
    return {
      items,
      totalCount: Number((count as { n: number | string } | undefined)?.n ?? 0),
      nextCursor:
        rows.length > query.limit
          ? encodeCursor(items[items.length - 1])
          : null,
    };
  }

  async insertOperation(input: NewOperation): Promise<Operation> {
    const row = {
      id: randomUUID(),
      environment_id: input.environmentId,
      kind: input.kind,
      status: 'queued',
      input: JSON.stringify(input.input),
      result: null,
      error: null,
      failed_step: null,
      requested_by: input.requestedBy,
      created_at: new Date(),
      started_at: null,
      ended_at: null,
      claimed_by: null,
      claim_expires_at: null,
      attempts: 0,
      lock_key: input.lockKey,
    };
    try {
      await this.db.transaction(trx => trx('operations').insert(row));
    } catch (error) {
      if (isUniqueViolation(error) && input.lockKey) {
        const holder: OperationRow | undefined = await this.db('operations')
          .where({ lock_key: input.lockKey })
          .whereIn('status', ACTIVE_OPERATION_STATUSES)
          .first();
        throw new ConflictError(
          holder
            ? `operation ${holder.kind} ${holder.id} is ${holder.status} on this environment; wait until it ends`
            : 'another operation holds this environment; wait until it ends',
        );
      }
      throw error;
    }
    return toOperation(row as unknown as OperationRow, []);
  }

  async getOperation(id: string): Promise<Operation | undefined> {
    const row = await this.db<OperationRow>('operations').where({ id }).first();
    if (!row) return undefined;
    const steps = await this.db<OperationStepRow>('operation_steps').where({
      operation_id: id,
    });
    return toOperation(row, steps);
  }

  async listOperations(environmentId: string): Promise<Operation[]> {
    const rows: OperationRow[] = await this.db<OperationRow>('operations')
      .where({ environment_id: environmentId })
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]);
    if (rows.length === 0) return [];
    const steps: OperationStepRow[] = await this.db<OperationStepRow>(
      'operation_steps',
    ).whereIn(
      'operation_id',
      rows.map(r => r.id),
    );
    return rows.map(r => toOperation(r, steps));
  }

  async getIdempotentAnswer(
    actor: string,
    key: string,
  ): Promise<IdempotentAnswer | undefined> {
    const row = await this.db('idempotency_keys')
      .where({ actor, idempotency_key: key })
      .first();
    if (!row) return undefined;
    return {
      requestHash: row.request_hash,
      statusCode: Number(row.status_code),
      response: JSON.parse(row.response),
    };
  }

  async saveIdempotentAnswer(
    actor: string,
    key: string,
    answer: IdempotentAnswer,
  ): Promise<void> {
    await this.db('idempotency_keys').insert({
      actor,
      idempotency_key: key,
      request_hash: answer.requestHash,
      status_code: answer.statusCode,
      response: JSON.stringify(answer.response),
      created_at: new Date(),
    });
  }
}
