import { describeLifecycleFaults } from '@docker-env/lab-testing/backend/lifecycleFaultSuite';

jest.setTimeout(180_000);

/** The name of the snapshot the last snapshot_create of `name` made. */
async function lastSnapshot(c: any, name: string): Promise<string> {
  const env = await c.knex('environments').where({ name }).first();
  const op = await c
    .knex('operations')
    .where({
      environment_id: env.id,
      kind: 'snapshot_create',
      status: 'succeeded',
    })
    .orderBy('created_at', 'desc')
    .first();
  return JSON.parse(op.input).snapshotName;
}

async function ready(c: any, name: string) {
  const env = await c.knex('environments').where({ name }).first();
  if (!env) await c.l.provision(name);
}

// A failed snapshot create is undone: no snapshot is left.
describeLifecycleFaults({
  kind: 'snapshot_create',
  async prepare(c) {
    const name = 'snapshot-create-faults';
    await ready(c, name);
    const held = await c.observer.holdings(name);
    for (const s of held.snapshots) await c.succeed('snapshot_delete', name, s);
    return { name };
  },
  afterFailure: before => before,
  afterRetry: before => ({ ...before, snapshots: [expect.any(String)] }),
});

// A failed rollback rolls forward: the environment stays ready and served at its address; the retry rolls back again.
describeLifecycleFaults({
  kind: 'snapshot_rollback',
  async prepare(c) {
    const name = 'snapshot-rollback-faults';
    await ready(c, name);
    if ((await c.observer.holdings(name)).snapshots.length === 0)
      await c.succeed('snapshot_create', name);
    return { name, snapshot: await lastSnapshot(c, name) };
  },
  afterFailure: before => ({ snapshots: before.snapshots }),
  afterRetry: before => ({ snapshots: before.snapshots }),
});

// A failed snapshot delete leaves the snapshot; the retry deletes it.
describeLifecycleFaults({
  kind: 'snapshot_delete',
  async prepare(c) {
    const name = 'snapshot-delete-faults';
    await ready(c, name);
    await c.succeed('snapshot_create', name);
    return { name, snapshot: await lastSnapshot(c, name) };
  },
  afterFailure: before => before,
  afterRetry: before => ({ ...before, snapshots: [] }),
});
