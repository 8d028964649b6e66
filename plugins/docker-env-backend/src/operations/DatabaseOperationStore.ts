import { randomUUID } from 'node:crypto';
import { ConflictError, InputError } from '@backstage/errors';
import {
  ACTIVE_OPERATION_STATUSES,
  CONTAINER_HOLDING_OPERATION_STATUSES,
  type Operation,
  type OperationKind,
} from '@docker-env/plugin-docker-env-common';
import type { Knex } from 'knex';
import { isUniqueViolation, parseTimestamp, readJson } from '../store/rows';
import {
  OperationRow,
  OperationStepRow,
  toApiOperation,
  toOperationRecord,
  toStepRecord,
} from './operationRows';
import { lockEnvironmentRow } from '../store/DatabaseDockerEnvStore';
import { heldError, lockConflicts, type LockHolder } from './locks';
import type {
  ClaimFence,
  NewOperation,
  OperationChange,
  OperationRecord,
  OperationStepRecord,
  OperationStore,
  StepChange,
} from './OperationStore';

const OPERATIONS = 'operations';
const STEPS = 'operation_steps';

/** The knex implementation of {@link OperationStore}, on SQLite or PostgreSQL, on a connection or a transaction. */
export class DatabaseOperationStore implements OperationStore {
  constructor(private readonly db: Knex) {}

  async insert(input: NewOperation): Promise<Operation> {
    const row: OperationRow = {
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
      // A savepoint: a refused insert leaves a surrounding PostgreSQL transaction usable, and the environment's row
      // lock taken here holds until the surrounding transaction ends.
      await this.db.transaction(async trx => {
        if (input.lockKey)
          await new DatabaseOperationStore(trx).lockEnvironment(
            input.environmentId,
            input.lockKey,
          );
        await trx(OPERATIONS).insert(row);
      });
    } catch (error) {
      // the partial unique index on lock_key: the last guard should a writer not take the row lock first
      if (isUniqueViolation(error) && input.lockKey) {
        const holder: OperationRow | undefined = await this.db(OPERATIONS)
          .where({ lock_key: input.lockKey })
          .whereIn('status', ACTIVE_OPERATION_STATUSES)
          .first();
        throw holder
          ? heldError(holder, new Date())
          : new ConflictError(
              'another operation holds this environment; try again when it has ended',
            );
      }
      throw error;
    }
    return toApiOperation(toOperationRecord(row), []);
  }

  async lockEnvironment(environmentId: string, lockKey: string): Promise<void> {
    await lockEnvironmentRow(this.db, environmentId);
    const active: LockHolder[] = await this.db(OPERATIONS)
      .where({ environment_id: environmentId })
      .whereIn('status', ACTIVE_OPERATION_STATUSES)
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .select('id', 'kind', 'status', 'lock_key', 'created_at', 'started_at');
    const holder = active.find(h => lockConflicts(h.lock_key, lockKey));
    if (holder) throw heldError(holder, new Date());
  }

  async get(id: string): Promise<Operation | undefined> {
    const record = await this.getRecord(id);
    return record && toApiOperation(record, await this.listSteps(id));
  }

  async listForEnvironment(environmentId: string): Promise<Operation[]> {
    const rows: OperationRow[] = await this.db(OPERATIONS)
      .where({ environment_id: environmentId })
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]);
    return this.withSteps(rows);
  }

  async pageForEnvironment(
    environmentId: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: Operation[]; nextCursor: string | null }> {
    const query = this.db<OperationRow>(OPERATIONS)
      .where({ environment_id: environmentId })
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }])
      .limit(page.limit + 1);
    if (page.cursor) {
      const [createdAt, id] = decodeOperationCursor(page.cursor);
      query.where(after =>
        after
          .where('created_at', '<', createdAt)
          .orWhere(same =>
            same.where('created_at', '=', createdAt).andWhere('id', '>', id),
          ),
      );
    }
    const rows: OperationRow[] = await query;
    const more = rows.length > page.limit;
    const items = await this.withSteps(rows.slice(0, page.limit));
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: more && last ? encodeOperationCursor(last) : null,
    };
  }

  private async withSteps(rows: OperationRow[]): Promise<Operation[]> {
    if (rows.length === 0) return [];
    const steps: OperationStepRow[] = await this.db(STEPS).whereIn(
      'operation_id',
      rows.map(r => r.id),
    );
    return rows.map(r =>
      toApiOperation(
        toOperationRecord(r),
        steps.filter(s => s.operation_id === r.id).map(toStepRecord),
      ),
    );
  }

  async busyEnvironmentIds(): Promise<Set<string>> {
    const rows: Array<{ environment_id: string }> = await this.db(OPERATIONS)
      .whereIn('status', ACTIVE_OPERATION_STATUSES)
      .distinct('environment_id');
    return new Set(rows.map(r => r.environment_id));
  }

  async hasActive(environmentId: string): Promise<boolean> {
    const row = await this.db(OPERATIONS)
      .where({ environment_id: environmentId })
      .whereIn('status', ACTIVE_OPERATION_STATUSES)
      .first('id');
    return !!row;
  }

  async activeFor(
    environmentId: string,
  ): Promise<Array<{ id: string; kind: OperationKind }>> {
    return this.db(OPERATIONS)
      .where({ environment_id: environmentId })
      .whereIn('status', ACTIVE_OPERATION_STATUSES)
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .select('id', 'kind');
  }

  async recentlyActive(endedAfter: Date, limit: number) {
    const rows: Array<{
      id: string;
      environment_id: string;
      kind: OperationKind;
      created_at: unknown;
      ended_at: unknown;
    }> = await this.db(OPERATIONS)
      .whereIn('status', ACTIVE_OPERATION_STATUSES)
      .orWhere('ended_at', '>', endedAfter)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .select('id', 'environment_id', 'kind', 'created_at', 'ended_at');
    return rows.map(r => ({
      id: r.id,
      environmentId: r.environment_id,
      kind: r.kind,
      createdAt: parseTimestamp(r.created_at)!,
      endedAt: parseTimestamp(r.ended_at),
    }));
  }

  async succeededResults(environmentId: string) {
    const rows: Array<{ kind: OperationKind; result: string | null }> =
      await this.db(OPERATIONS)
        .where({ environment_id: environmentId, status: 'succeeded' })
        .orderBy([{ column: 'created_at' }, { column: 'id' }])
        .select('kind', 'result');
    return rows.map(r => ({
      kind: r.kind,
      result: readJson<Record<string, unknown>>(r.result, {}),
    }));
  }

  async deployTimes(
    requestedBy: string,
    since: Date,
    limit: number,
  ): Promise<Date[]> {
    const rows: Array<{ created_at: unknown }> = await this.db(OPERATIONS)
      .where({ kind: 'deploy', requested_by: requestedBy })
      .andWhere('created_at', '>', since)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .select('created_at');
    return rows.map(r => parseTimestamp(r.created_at)!);
  }

  async containerHoldingDeploys(environmentIds: string[]) {
    const out: Array<{
      environmentId: string;
      input: Record<string, unknown>;
    }> = [];
    // chunks keep the bound parameters under SQLite's limit
    for (let i = 0; i < environmentIds.length; i += 500) {
      const rows: Array<{ environment_id: string; input: string }> =
        await this.db(OPERATIONS)
          .whereIn('environment_id', environmentIds.slice(i, i + 500))
          .where('kind', 'deploy')
          .whereIn('status', CONTAINER_HOLDING_OPERATION_STATUSES)
          .select('environment_id', 'input');
      for (const row of rows)
        out.push({
          environmentId: row.environment_id,
          input: readJson<Record<string, unknown>>(row.input, {}),
        });
    }
    return out;
  }

  async claimableIds(now: Date, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db(OPERATIONS)
      .select('id')
      .where(q => claimable(q, now))
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit);
    return rows.map(r => r.id);
  }

  async claim(
    id: string,
    claim: { ownerId: string; now: Date; expiresAt: Date },
  ): Promise<OperationRecord | undefined> {
    const changed = await this.db(OPERATIONS)
      .where('id', id)
      .andWhere(q => claimable(q, claim.now))
      .update({
        status: 'running',
        claimed_by: claim.ownerId,
        claim_expires_at: claim.expiresAt,
        attempts: this.db.raw('attempts + 1'),
        started_at: this.db.raw('coalesce(started_at, ?)', [claim.now]),
      });
    if (changed !== 1) return undefined;
    const row: OperationRow | undefined = await this.db(OPERATIONS)
      .where({ id, claimed_by: claim.ownerId })
      .first();
    return row && toOperationRecord(row);
  }

  async fence(
    fence: ClaimFence,
    expiresAt: Date | null,
    change: OperationChange = {},
  ): Promise<boolean> {
    const changed = await this.fenced(fence).update({
      claim_expires_at: expiresAt,
      ...(change.status !== undefined && { status: change.status }),
      ...(change.result !== undefined && {
        result: change.result === null ? null : JSON.stringify(change.result),
      }),
      ...(change.error !== undefined && { error: change.error }),
      ...(change.failedStep !== undefined && {
        failed_step: change.failedStep,
      }),
      ...(change.endedAt !== undefined && { ended_at: change.endedAt }),
    });
    return changed === 1;
  }

  async release(fence: ClaimFence, at: Date): Promise<void> {
    await this.fenced(fence).update({ claim_expires_at: at });
  }

  async getRecord(id: string): Promise<OperationRecord | undefined> {
    const row: OperationRow | undefined = await this.db(OPERATIONS)
      .where({ id })
      .first();
    return row && toOperationRecord(row);
  }

  async listSteps(operationId: string): Promise<OperationStepRecord[]> {
    const rows: OperationStepRow[] = await this.db(STEPS)
      .where('operation_id', operationId)
      .orderBy('position');
    return rows.map(toStepRecord);
  }

  async insertSteps(operationId: string, names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.db(STEPS).insert(
      names.map((name, position) => ({
        operation_id: operationId,
        position,
        name,
        status: 'pending',
        facts: '{}',
      })),
    );
  }

  async updateStep(
    operationId: string,
    position: number,
    change: StepChange,
    at: Date,
  ): Promise<void> {
    await this.db(STEPS)
      .where({ operation_id: operationId, position })
      .update({
        status: change.status,
        ...(change.facts !== undefined && {
          facts: JSON.stringify(change.facts),
        }),
        ...(change.error !== undefined && { error: change.error }),
        ...(change.started && { started_at: at, ended_at: null }),
        ...(change.ended && { ended_at: at }),
      });
  }

  async skipPendingSteps(operationId: string): Promise<void> {
    await this.db(STEPS)
      .where({ operation_id: operationId, status: 'pending' })
      .update({ status: 'skipped' });
  }

  private fenced(fence: ClaimFence) {
    return this.db(OPERATIONS).where({
      id: fence.operationId,
      claimed_by: fence.ownerId,
      attempts: fence.attempts,
      status: 'running',
    });
  }
}

/** Queued, or running with a claim that expired before `now`. */
function claimable(q: Knex.QueryBuilder, now: Date) {
  return q
    .where('status', 'queued')
    .orWhere(expired =>
      expired
        .where('status', 'running')
        .andWhere(lease =>
          lease
            .whereNull('claim_expires_at')
            .orWhere('claim_expires_at', '<', now),
        ),
    );
}

/** The cursor of the page after `operation`: its creation time and id. */
function encodeOperationCursor(operation: Operation): string {
  return Buffer.from(
    JSON.stringify([operation.createdAt, operation.id]),
  ).toString('base64url');
}

/** The creation time and id a cursor of this list points after; `InputError` for any other. */
function decodeOperationCursor(cursor: string): [Date, string] {
  try {
    const [createdAt, id] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    );
    const at = new Date(createdAt);
    if (typeof id === 'string' && !Number.isNaN(at.getTime())) return [at, id];
  } catch {
    // fall through to the error below
  }
  throw new InputError('cursor: must be a nextCursor this API returned');
}
