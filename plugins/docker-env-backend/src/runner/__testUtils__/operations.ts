import { mockServices } from '@backstage/backend-test-utils';
import type {
  OperationStep,
  OperationTarget,
  StepContext,
} from '@docker-env/plugin-docker-env-node';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { OperationQueue } from '../OperationQueue';
import { OperationRunner, OperationRunnerOptions } from '../OperationRunner';
import { OperationKind } from '../types';

/**
 * TEMPORARY test-only schema, the shape helper `core` is adding as the plugin's first migration; replaced by the
 * plugin's migrations once they are merged.
 */
export async function createTables(db: Knex) {
  await db.schema.createTable('environments', t => {
    t.string('id').primary();
    t.string('name').notNullable();
    t.string('status').notNullable().defaultTo('provisioning');
  });
  await db.schema.createTable('operations', t => {
    t.string('id').primary();
    t.string('environment_id').notNullable().references('environments.id');
    t.string('kind').notNullable();
    t.string('status').notNullable();
    t.text('input').notNullable();
    t.text('result').nullable();
    t.text('error').nullable();
    t.string('failed_step').nullable();
    t.string('requested_by').notNullable();
    t.timestamp('created_at').notNullable().defaultTo(db.fn.now());
    t.timestamp('started_at').nullable();
    t.timestamp('ended_at').nullable();
    t.string('claimed_by').nullable();
    t.timestamp('claim_expires_at').nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('lock_key').nullable();
  });
  await db.schema.createTable('operation_steps', t => {
    t.increments('id');
    t.string('operation_id').notNullable().references('operations.id');
    t.integer('position').notNullable();
    t.string('name').notNullable();
    t.string('status').notNullable();
    t.timestamp('started_at').nullable();
    t.timestamp('ended_at').nullable();
    t.text('facts').nullable();
    t.text('error').nullable();
    t.unique(['operation_id', 'position']);
  });
}

/** Inserts an environment and a queued operation on it; returns the operation id. */
export async function queueOperation(
  db: Knex,
  options: { kind?: OperationKind; input?: Record<string, unknown> } = {},
): Promise<string> {
  const environmentId = randomUUID();
  const id = randomUUID();
  await db('environments').insert({
    id: environmentId,
    name: `env-${id.slice(0, 8)}`,
  });
  await db('operations').insert({
    id,
    environment_id: environmentId,
    kind: options.kind ?? 'provision',
    status: 'queued',
    input: JSON.stringify(options.input ?? {}),
    requested_by: 'user:default/alice',
    created_at: new Date(),
  });
  return id;
}

export async function operationRow(db: Knex, id: string) {
  return db('operations').where({ id }).first();
}

export async function stepRows(db: Knex, id: string) {
  return db('operation_steps')
    .where({ operation_id: id })
    .orderBy('position')
    .select('name', 'status', 'error', 'facts', 'started_at', 'ended_at');
}

/** A step that records what happened to it in `log` and behaves as told. */
export function step(
  name: string,
  log: string[],
  behaviour: {
    timeoutMs?: number;
    run?: (ctx: StepContext) => Promise<Record<string, unknown> | void>;
    undo?: ((ctx: StepContext) => Promise<void>) | null;
  } = {},
): OperationStep {
  return {
    name,
    timeoutMs: behaviour.timeoutMs ?? 5000,
    async run(ctx) {
      log.push(`run ${name}`);
      return behaviour.run ? behaviour.run(ctx) : { [name]: true };
    },
    ...(behaviour.undo !== null && {
      async undo(ctx: StepContext) {
        log.push(`undo ${name}`);
        if (behaviour.undo) await behaviour.undo(ctx);
      },
    }),
  };
}

export function target(environmentId: string): OperationTarget {
  return {
    environmentId,
    name: 'test-project',
    owner: 'user:default/alice',
    cpuCores: 1,
    memoryMb: 512,
    diskGb: 4,
  };
}

/** A runner with test-sized timings over its own queue (owner id `owner`). */
export function testRunner(
  db: Knex,
  owner: string,
  options: Partial<OperationRunnerOptions> & { leaseMs?: number } = {},
) {
  const queue =
    options.queue ??
    new OperationQueue(db, {
      ownerId: owner,
      leaseMs: options.leaseMs ?? 2000,
    });
  return new OperationRunner({
    registry: {},
    loadTarget: async operation => target(operation.environmentId),
    logger: mockServices.logger.mock(),
    pollIntervalMs: 20,
    shutdownGraceMs: 200,
    ...options,
    queue,
  });
}
