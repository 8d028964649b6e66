import type { JsonObject } from '@backstage/types';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

/** A database that backend processes share: their `backend.database` config and our own client. */
export interface SharedDatabase {
  kind: 'sqlite-file' | 'postgres';
  backendDatabase: JsonObject;
  /** The docker-env plugin's database, opened once a backend has migrated it. */
  client(): Knex;
  dispose(): Promise<void>;
}

/** The kinds available here: a SQLite file always, PostgreSQL when the test services export it. */
export function sharedDatabaseKinds(): SharedDatabase['kind'][] {
  return process.env[POSTGRES_ENV]
    ? ['sqlite-file', 'postgres']
    : ['sqlite-file'];
}

/** A fresh SQLite directory, or a fresh database prefix on the test PostgreSQL. */
export async function sharedDatabase(
  kind: SharedDatabase['kind'],
): Promise<SharedDatabase> {
  let client: Knex | undefined;
  if (kind === 'sqlite-file') {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'docker-env-sqlite-'));
    return {
      kind,
      backendDatabase: {
        client: 'better-sqlite3',
        connection: { directory: dir },
      },
      client: () =>
        (client ??= knexFactory({
          client: 'better-sqlite3',
          connection: { filename: path.join(dir, 'docker-env.sqlite') },
          useNullAsDefault: true,
        })),
      async dispose() {
        await client?.destroy();
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  }
  const connection = process.env[POSTGRES_ENV]!;
  const prefix = `docker_env_proc_${randomBytes(4).toString('hex')}_`;
  const database = `${prefix}docker-env`;
  const url = new URL(connection);
  url.pathname = `/${database}`;
  return {
    kind,
    backendDatabase: { client: 'pg', connection, prefix },
    client: () =>
      (client ??= knexFactory({ client: 'pg', connection: url.toString() })),
    async dispose() {
      await client?.destroy();
      // every plugin of the backend got its own database with this prefix
      const admin = knexFactory({ client: 'pg', connection });
      const rows = await admin('pg_database')
        .where('datname', 'like', `${prefix}%`)
        .select('datname');
      for (const { datname } of rows)
        await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
      await admin.destroy();
    },
  };
}

/** Inserts an environment in `provisioning` and its queued provision operation, as the API does. */
export async function queueProvisioning(
  db: Knex,
  name: string,
  owner = 'group:default/team-a',
): Promise<{ environmentId: string; operationId: string }> {
  const environmentId = `env-${randomBytes(8).toString('hex')}`;
  const operationId = `op-${randomBytes(8).toString('hex')}`;
  const now = new Date();
  await db('environments').insert({
    id: environmentId,
    name,
    owner,
    status: 'provisioning',
    size: 'S',
    cpu_cores: 1,
    memory_mb: 1024,
    disk_gb: 8,
    created_by: 'user:default/alice',
    created_at: now,
    updated_at: now,
  });
  await db('operations').insert({
    id: operationId,
    environment_id: environmentId,
    kind: 'provision',
    status: 'queued',
    input: JSON.stringify({}),
    lock_key: `env:${environmentId}`,
    requested_by: 'user:default/alice',
    created_at: now,
  });
  return { environmentId, operationId };
}

/**
 * Queues a lifecycle operation of an environment as the lifecycle routes do: the facts of its succeeded operations
 * (oldest first) with its vmid and node as input, the status it starts from, and the environment moved to `moveTo`.
 */
export async function queueLifecycle(
  db: Knex,
  environmentId: string,
  kind: 'pause' | 'resume' | 'delete',
): Promise<{ operationId: string }> {
  const moveTo = { pause: 'pausing', resume: 'resuming', delete: 'deleting' }[
    kind
  ];
  const env = await db('environments').where({ id: environmentId }).first();
  const done = await db('operations')
    .where({ environment_id: environmentId, status: 'succeeded' })
    .orderBy('created_at');
  const facts = Object.assign(
    {},
    ...done.map(o =>
      typeof o.result === 'string' ? JSON.parse(o.result) : o.result ?? {},
    ),
  );
  const operationId = `op-${randomBytes(8).toString('hex')}`;
  await db.transaction(async tx => {
    await tx('operations').insert({
      id: operationId,
      environment_id: environmentId,
      kind,
      status: 'queued',
      input: JSON.stringify({
        ...facts,
        vmid: env.vmid,
        node: env.node,
        previousStatus: env.status,
      }),
      lock_key: `env:${environmentId}`,
      requested_by: 'user:default/alice',
      // a later created_at than the operation before it (SQLite stores milliseconds)
      created_at: new Date(Date.now() + 1),
    });
    await tx('environments')
      .where({ id: environmentId })
      .update({ status: moveTo, status_reason: null, updated_at: new Date() });
  });
  return { operationId };
}
