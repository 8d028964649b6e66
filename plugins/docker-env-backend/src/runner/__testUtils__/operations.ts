import { mockServices } from '@backstage/backend-test-utils';
import type {
  OperationStep,
  OperationTarget,
  StepContext,
} from '@docker-env/plugin-docker-env-workflows-node';
import { randomUUID } from 'node:crypto';
import { resolve as resolvePath } from 'node:path';
import type { Knex } from 'knex';
import { DatabaseDockerEnvStore } from '../../store/DatabaseDockerEnvStore';
import { OperationQueue } from '../OperationQueue';
import { OperationRunner, OperationRunnerOptions } from '../OperationRunner';
import { OperationKind } from '../types';

/** Creates the plugin's tables with its own migrations. */
export async function migrate(db: Knex) {
  await db.migrate.latest({
    directory: resolvePath(__dirname, '../../../migrations'),
  });
}

/** Inserts an environment and a queued operation on it; returns the operation id. */
export async function queueOperation(
  db: Knex,
  options: { kind?: OperationKind; input?: Record<string, unknown> } = {},
): Promise<string> {
  const environmentId = randomUUID();
  const id = randomUUID();
  const now = new Date();
  await db('environments').insert({
    id: environmentId,
    name: `env-${id.slice(0, 8)}`,
    owner: 'user:default/alice',
    status: 'provisioning',
    size: 'S',
    cpu_cores: 1,
    memory_mb: 512,
    disk_gb: 4,
    created_by: 'user:default/alice',
    created_at: now,
    updated_at: now,
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
    new OperationQueue(DatabaseDockerEnvStore.fromKnex(db), {
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
