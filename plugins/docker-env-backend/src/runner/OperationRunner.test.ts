import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import type { Knex } from 'knex';
import {
  migrate,
  operationRow,
  queueOperation,
  step,
  stepRows,
  testRunner,
} from './__testUtils__/operations';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

describe.each(databases.eachSupportedId())('OperationRunner on %s', id => {
  let db: Knex;
  beforeAll(async () => {
    db = await databases.init(id);
    await migrate(db);
  });

  it('runs the steps in order, passes facts on and records each step', async () => {
    const log: string[] = [];
    const seen: unknown[] = [];
    const opId = await queueOperation(db, { input: { size: 'S' } });
    const ended: string[] = [];
    const runner = testRunner(db, 'a', {
      registry: {
        provision: {
          steps: (_target, input) => [
            step('lxc', log, {
              run: async () => ({ vmid: 101, size: input.size }),
            }),
            step('start', log, {
              run: async ctx => {
                seen.push(ctx.facts.vmid);
              },
            }),
            step('ip', log, { run: async () => ({ ip: '10.0.0.5' }) }),
          ],
        },
      },
      onOperationEnded: async (operation, tx) => {
        ended.push(`${operation.id} ${operation.status}`);
        await tx.updateEnvironment(operation.environmentId, {
          status: 'ready',
        });
      },
    });
    await runner.whenIdle();

    expect(log).toEqual(['run lxc', 'run start', 'run ip']);
    expect(seen).toEqual([101]);
    const op = await operationRow(db, opId);
    expect(op).toMatchObject({
      status: 'succeeded',
      error: null,
      claim_expires_at: null,
    });
    expect(JSON.parse(op.result)).toEqual({
      vmid: 101,
      size: 'S',
      ip: '10.0.0.5',
    });
    expect(op.started_at).not.toBeNull();
    expect(op.ended_at).not.toBeNull();
    const steps = await stepRows(db, opId);
    expect(steps.map(s => [s.name, s.status, JSON.parse(s.facts)])).toEqual([
      ['lxc', 'succeeded', { vmid: 101, size: 'S' }],
      ['start', 'succeeded', {}],
      ['ip', 'succeeded', { ip: '10.0.0.5' }],
    ]);
    expect(steps.every(s => s.started_at && s.ended_at)).toBe(true);
    expect(ended).toEqual([`${opId} succeeded`]);
    const env = await db('environments')
      .where({ id: op.environment_id })
      .first();
    expect(env.status).toBe('ready');
  });

  it('undoes the failed step and the finished ones in reverse order', async () => {
    const log: string[] = [];
    const opId = await queueOperation(db);
    const runner = testRunner(db, 'a', {
      registry: {
        provision: {
          steps: () => [
            step('lxc', log),
            step('wait', log, { undo: null }),
            step('start', log),
            step('portainer', log, {
              run: async () => {
                throw new Error('Portainer answered 500');
              },
            }),
            step('route', log),
          ],
        },
      },
    });
    await runner.whenIdle();

    expect(log).toEqual([
      'run lxc',
      'run wait',
      'run start',
      'run portainer',
      'undo portainer',
      'undo start',
      'undo lxc',
    ]);
    const op = await operationRow(db, opId);
    expect(op).toMatchObject({
      status: 'rolled_back',
      failed_step: 'portainer',
      error: 'step portainer: Portainer answered 500',
    });
    expect((await stepRows(db, opId)).map(s => [s.name, s.status])).toEqual([
      ['lxc', 'undone'],
      ['wait', 'succeeded'],
      ['start', 'undone'],
      ['portainer', 'undone'],
      ['route', 'skipped'],
    ]);
  });

  it('ends failed with both reasons when an undo fails too, and still undoes the rest', async () => {
    const log: string[] = [];
    const opId = await queueOperation(db);
    const runner = testRunner(db, 'a', {
      registry: {
        provision: {
          steps: () => [
            step('lxc', log),
            step('netbox', log, {
              undo: async () => {
                throw new Error('NetBox is down');
              },
            }),
            step('route', log, {
              run: async () => {
                throw new Error('disk full');
              },
            }),
          ],
        },
      },
    });
    await runner.whenIdle();

    expect(log).toEqual([
      'run lxc',
      'run netbox',
      'run route',
      'undo route',
      'undo netbox',
      'undo lxc',
    ]);
    const op = await operationRow(db, opId);
    expect(op.status).toBe('failed');
    expect(op.error).toBe(
      'step route: disk full; undo of step netbox: NetBox is down',
    );
    expect(
      (await stepRows(db, opId)).map(s => [s.name, s.status, s.error]),
    ).toEqual([
      ['lxc', 'undone', null],
      ['netbox', 'failed', 'undo: NetBox is down'],
      ['route', 'undone', 'disk full'],
    ]);
  });

  it('fails a hanging step at its timeout, aborts its signal and undoes', async () => {
    const log: string[] = [];
    let aborted: unknown;
    const opId = await queueOperation(db);
    const runner = testRunner(db, 'a', {
      registry: {
        provision: {
          steps: () => [
            step('lxc', log),
            step('ip', log, {
              timeoutMs: 150,
              run: ctx =>
                new Promise(() => {
                  ctx.signal.addEventListener('abort', () => {
                    aborted = ctx.signal.reason;
                  });
                }),
            }),
          ],
        },
      },
    });
    const started = Date.now();
    await runner.whenIdle();

    expect(Date.now() - started).toBeLessThan(3000);
    expect(String(aborted)).toContain('timed out after 150 ms');
    expect(log).toEqual(['run lxc', 'run ip', 'undo ip', 'undo lxc']);
    expect(await operationRow(db, opId)).toMatchObject({
      status: 'rolled_back',
      error: 'step ip: timed out after 150 ms',
    });
  });

  it('ends an operation of an unknown kind as failed without running anything', async () => {
    const opId = await queueOperation(db, { kind: 'snapshot_delete' });
    await testRunner(db, 'a').whenIdle();
    expect(await operationRow(db, opId)).toMatchObject({
      status: 'failed',
      error: 'no steps are registered for operations of kind snapshot_delete',
    });
  });

  it('runs each of 20 operations exactly once with two runners racing on one database', async () => {
    const runs = new Map<string, number>();
    const ranBy = new Set<string>();
    const registry = (owner: string) => ({
      provision: {
        steps: (_t: unknown, input: Record<string, unknown>) => [
          step('work', [], {
            run: async () => {
              const key = String(input.key);
              runs.set(key, (runs.get(key) ?? 0) + 1);
              ranBy.add(owner);
              await new Promise(r => setTimeout(r, 20));
              return { by: owner };
            },
          }),
        ],
      },
    });
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        queueOperation(db, { input: { key: i } }),
      ),
    );
    const a = testRunner(db, 'replica-a', { registry: registry('a') });
    const b = testRunner(db, 'replica-b', { registry: registry('b') });
    await Promise.all([a.whenIdle(), b.whenIdle()]);

    expect([...runs.values()]).toEqual(Array(20).fill(1));
    expect(runs.size).toBe(20);
    const rows = await db('operations')
      .whereIn('id', ids)
      .select('status', 'attempts');
    expect(
      rows.every(r => r.status === 'succeeded' && Number(r.attempts) === 1),
    ).toBe(true);
    expect(ranBy.size).toBe(2);
  });
});
