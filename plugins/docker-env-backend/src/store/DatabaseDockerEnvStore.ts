import { randomUUID } from 'node:crypto';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  Environment,
  NAME_HOLDING_STATUSES,
  Operation,
} from '@docker-env/plugin-docker-env-common';
import { Knex } from 'knex';
import { DatabaseAuditStore } from '../audit/AuditStore';
import { DatabaseFinalBackupStore } from '../backups/FinalBackupStore';
import { DatabaseExpiryWarningStore } from '../expiry/ExpiryWarningStore';
import { DatabaseDeliveryStore } from '../notifications/DeliveryStore';
import { DatabaseOperationStore } from '../operations/DatabaseOperationStore';
import { DatabaseQuotaStore } from '../quotas/QuotaStore';
import { DatabaseDriftFlagStore } from '../reconciler/DriftFlags';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import { DatabaseDeployTokenStore } from '../tokens/DeployTokenStore';
import { EnvironmentRow, isUniqueViolation, toEnvironment } from './rows';
import {
  AuditEntry,
  AuditEvent,
  AuditQuery,
  DeliveryOutcome,
  DockerEnvStore,
  EnvironmentListQuery,
  EnvironmentPage,
  EnvironmentPatch,
  EnvironmentQuery,
  EnvironmentSelection,
  IdempotentAnswer,
  NewDelivery,
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
export class DatabaseDockerEnvStore implements DockerEnvStore {
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

  /** The store on a migrated database's client (or a transaction): tests and tools; the plugin uses {@link create}. */
  static fromKnex(db: Knex): DockerEnvStore {
    return new DatabaseDockerEnvStore(db);
  }

  private constructor(private readonly db: Knex) {}

  async transaction<T>(fn: (tx: DockerEnvStore) => Promise<T>): Promise<T> {
    return this.db.transaction(trx => fn(new DatabaseDockerEnvStore(trx)));
  }

  operations() {
    return new DatabaseOperationStore(this.db);
  }

  quotas() {
    return new DatabaseQuotaStore(this.db, this);
  }

  tokens() {
    return new DatabaseDeployTokenStore(this.db);
  }

  snapshots() {
    return new DatabaseSnapshotStore(this.db);
  }

  finalBackups() {
    return new DatabaseFinalBackupStore(this.db, this);
  }

  driftFlags() {
    return new DatabaseDriftFlagStore(this.db);
  }

  expiryWarnings() {
    return new DatabaseExpiryWarningStore(this.db);
  }

  audit() {
    return new DatabaseAuditStore(this.db);
  }

  deliveries() {
    return new DatabaseDeliveryStore(this.db);
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

  async findEnvironments(
    selection: EnvironmentSelection,
  ): Promise<Environment[]> {
    const query = () => {
      const qb = this.db<EnvironmentRow>('environments').orderBy([
        { column: 'name' },
        { column: 'id' },
      ]);
      if (selection.statuses) qb.whereIn('status', selection.statuses);
      if (selection.owner) qb.where('owner', selection.owner);
      if (selection.expiring) qb.whereNotNull('expires_on');
      if (selection.withVmid) qb.whereNotNull('vmid');
      return qb;
    };
    if (!selection.ids) return (await query()).map(toEnvironment);
    const rows: EnvironmentRow[] = [];
    // chunks keep the bound parameters under SQLite's limit
    for (let i = 0; i < selection.ids.length; i += 500)
      rows.push(
        ...(await query().whereIn('id', selection.ids.slice(i, i + 500))),
      );
    return rows.map(toEnvironment);
  }

  insertOperation(input: NewOperation): Promise<Operation> {
    return this.operations().insert(input);
  }

  getOperation(id: string): Promise<Operation | undefined> {
    return this.operations().get(id);
  }

  listOperations(environmentId: string): Promise<Operation[]> {
    return this.operations().listForEnvironment(environmentId);
  }

  appendAudit(entry: AuditEntry): Promise<AuditEvent> {
    return this.audit().append(entry);
  }

  listAuditEvents(query: AuditQuery): Promise<AuditEvent[]> {
    return this.audit().list(query);
  }

  insertDelivery(input: NewDelivery): Promise<number> {
    return this.deliveries().insert(input);
  }

  finishDelivery(id: number, outcome: DeliveryOutcome): Promise<void> {
    return this.deliveries().finish(id, outcome);
  }

  listDeliveries(environmentId: string) {
    return this.deliveries().list(environmentId);
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
