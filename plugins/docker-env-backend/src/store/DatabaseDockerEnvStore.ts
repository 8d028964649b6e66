import { randomUUID } from 'node:crypto';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  Environment,
  EnvironmentStatus,
  NAME_HOLDING_STATUSES,
  Operation,
} from '@docker-env/plugin-docker-env-common';
import { Knex } from 'knex';
import { DatabaseAlertRuleStore } from '../alerts/AlertRuleStore';
import { DatabaseIncidentStore } from '../alerts/IncidentStore';
import { DatabaseAuditStore } from '../audit/AuditStore';
import { DatabaseFinalBackupStore } from '../backups/FinalBackupStore';
import { DatabaseExpiryWarningStore } from '../expiry/ExpiryWarningStore';
import { DatabaseDeliveryStore } from '../notifications/DeliveryStore';
import { DatabaseOperationStore } from '../operations/DatabaseOperationStore';
import { DatabaseQuotaStore } from '../quotas/QuotaStore';
import { DatabaseDriftFlagStore } from '../reconciler/DriftFlags';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import { DatabaseDeployTokenStore } from '../tokens/DeployTokenStore';
import { DatabaseDeploymentSecretStore } from '../secrets/DeploymentSecretStore';
import { DatabaseWatchLeaseStore } from '../watcher/WatchLeaseStore';
import { DatabaseLabelRouteStore } from '../labelRoutes/LabelRouteStore';
import { DatabaseIdempotencyStore } from './IdempotencyStore';
import {
  applyEnvironmentFilter,
  decodeCursor,
  encodeCursor,
} from './environmentQueries';
import {
  EnvironmentRow,
  isUniqueViolation,
  readJson,
  toEnvironment,
  toEnvironmentChanges,
  toEnvironmentRow,
} from './rows';
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

/**
 * Takes the environment's row lock in `trx` (PostgreSQL `FOR UPDATE`; SQLite takes the database's write lock with a
 * write that changes nothing), so that every check-then-insert of an operation, and every other writer that takes the
 * lock, on one environment runs one at a time until `trx` ends.
 */
export async function lockEnvironmentRow(
  trx: Knex,
  environmentId: string,
): Promise<void> {
  if (String(trx.client.config.client).includes('sqlite')) {
    await trx('environments')
      .where({ id: environmentId })
      .update({ id: environmentId });
  } else {
    await trx('environments')
      .where({ id: environmentId })
      .forUpdate()
      .first('id');
  }
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

  deploymentSecrets() {
    return new DatabaseDeploymentSecretStore(this.db);
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

  watchLeases() {
    return new DatabaseWatchLeaseStore(this.db);
  }

  labelRoutes() {
    return new DatabaseLabelRouteStore(this.db);
  }

  deliveries() {
    return new DatabaseDeliveryStore(this.db);
  }

  incidents() {
    return new DatabaseIncidentStore(this.db);
  }

  alertRules() {
    return new DatabaseAlertRuleStore(this.db);
  }

  async insertEnvironment(input: NewEnvironment): Promise<Environment> {
    const row = toEnvironmentRow(input, randomUUID(), new Date());
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
    return toEnvironment(row);
  }

  async updateEnvironment(
    id: string,
    patch: EnvironmentPatch,
  ): Promise<Environment | undefined> {
    const changes = toEnvironmentChanges(patch, new Date());
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

  async getEnvironmentFacts(id: string): Promise<Record<string, unknown>> {
    const row = await this.db<EnvironmentRow>('environments')
      .where({ id })
      .first('facts');
    return readJson<Record<string, unknown>>(row?.facts, {});
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

  async engineAddresses(statuses: readonly EnvironmentStatus[]) {
    const rows: Array<Pick<EnvironmentRow, 'id' | 'name' | 'facts'>> =
      await this.db<EnvironmentRow>('environments')
        .whereIn('status', statuses)
        .orderBy([{ column: 'name' }, { column: 'id' }])
        .select('id', 'name', 'facts');
    return rows.map(r => {
      const facts = readJson<Record<string, unknown>>(r.facts, {});
      return {
        id: r.id,
        name: r.name,
        ...(typeof facts.ip === 'string' ? { ip: facts.ip } : {}),
        ...(typeof facts.endpointId === 'number'
          ? { endpointId: facts.endpointId }
          : {}),
      };
    });
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

  getIdempotentAnswer(actor: string, key: string) {
    return new DatabaseIdempotencyStore(this.db).get(actor, key);
  }

  saveIdempotentAnswer(actor: string, key: string, answer: IdempotentAnswer) {
    return new DatabaseIdempotencyStore(this.db).save(actor, key, answer);
  }

  expireIdempotencyKeys(
    ended: { environmentId: string; operationId: string | null },
    endedAt: Date,
  ) {
    return new DatabaseIdempotencyStore(this.db).expireAfter(ended, endedAt);
  }

  sweepIdempotencyKeys(now: Date) {
    return new DatabaseIdempotencyStore(this.db).sweep(now);
  }
}
