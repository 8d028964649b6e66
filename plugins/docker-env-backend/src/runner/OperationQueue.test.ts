import { DatabaseDockerEnvStore } from '../store';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import type { Knex } from 'knex';
import { LostClaimError, OperationQueue } from './OperationQueue';
import {
  migrate,
  operationRow,
  queueOperation,
  stepRows,
} from './__testUtils__/operations';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

describe.each(databases.eachSupportedId())('OperationQueue on %s', id => {
  let db: Knex;
  const queue = (ownerId: string, leaseMs = 60_000) =>
    new OperationQueue(DatabaseDockerEnvStore.fromKnex(db), {
      ownerId,
      leaseMs,
    });

  beforeAll(async () => {
    db = await databases.init(id);
    await migrate(db);
  });
  afterEach(async () => {
    await db('operation_steps').delete();
    await db('operations').delete();
  });

  it('lets exactly one of two racing owners claim each operation', async () => {
    const ids = await Promise.all(
      Array.from({ length: 10 }, () => queueOperation(db)),
    );
    const a = queue('a');
    const b = queue('b');
    for (const opId of ids) {
      const claims = await Promise.all([a.tryClaim(opId), b.tryClaim(opId)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      const row = await operationRow(db, opId);
      expect(row.status).toBe('running');
      expect(Number(row.attempts)).toBe(1);
      expect(row.claimed_by).toBe(claims.find(Boolean)!.ownerId);
    }
  });

  it('claims queued and expired operations, oldest first, and leaves live claims alone', async () => {
    const older = await queueOperation(db);
    const newer = await queueOperation(db);
    await db('operations')
      .where({ id: older })
      .update({ created_at: new Date(Date.now() - 60_000) });
    const a = queue('a');
    expect((await a.claimNext())?.operation.id).toBe(older);
    expect((await a.claimNext())?.operation.id).toBe(newer);
    expect(await queue('b').claimNext()).toBeUndefined();

    await db('operations')
      .where({ id: newer })
      .update({ claim_expires_at: new Date(Date.now() - 1) });
    const taken = await queue('b').claimNext();
    expect(taken?.operation.id).toBe(newer);
    expect(taken?.attempts).toBe(2);

    await db('operations')
      .where({ id: older })
      .update({ claim_expires_at: null });
    expect((await queue('c').claimNext())?.operation.id).toBe(older);
  });

  it('fences every write by the claim: a runner that lost it changes nothing', async () => {
    const opId = await queueOperation(db);
    const first = queue('first', 60_000);
    const claim = (await first.tryClaim(opId))!;
    await first.plan(claim, ['lxc', 'start']);
    await db('operations')
      .where({ id: opId })
      .update({ claim_expires_at: new Date(Date.now() - 1) });
    const second = queue('second');
    const taken = (await second.tryClaim(opId))!;
    expect(taken).toBeDefined();

    await expect(first.heartbeat(claim)).rejects.toBeInstanceOf(LostClaimError);
    await expect(
      first.updateStep(claim, 0, { status: 'running', started: true }),
    ).rejects.toBeInstanceOf(LostClaimError);
    await expect(
      first.finish(claim, { status: 'succeeded', result: {} }),
    ).rejects.toBeInstanceOf(LostClaimError);
    expect((await stepRows(db, opId)).map(s => s.status)).toEqual([
      'pending',
      'pending',
    ]);
    expect(await operationRow(db, opId)).toMatchObject({
      status: 'running',
      claimed_by: 'second',
    });
    // The plan is recorded once: the new owner sees the same records.
    expect(
      (await second.plan(taken, ['lxc', 'start'])).map(s => s.name),
    ).toEqual(['lxc', 'start']);
  });

  it('ends the operation and calls the hook in one transaction', async () => {
    const opId = await queueOperation(db);
    const a = queue('a');
    const claim = (await a.tryClaim(opId))!;
    await a.plan(claim, ['lxc', 'start']);

    await expect(
      a.finish(
        claim,
        { status: 'succeeded', result: { vmid: 1 } },
        async () => {
          throw new Error('environment record is locked');
        },
      ),
    ).rejects.toThrow('environment record is locked');
    expect((await operationRow(db, opId)).status).toBe('running');

    const ended = await a.finish(
      claim,
      { status: 'succeeded', result: { vmid: 1 } },
      async (operation, tx) => {
        expect(operation.status).toBe('succeeded');
        await tx.updateEnvironment(operation.environmentId, {
          status: 'ready',
        });
      },
    );
    expect(ended).toMatchObject({ status: 'succeeded', result: { vmid: 1 } });
    expect(ended.endedAt).toBeInstanceOf(Date);
    const env = await db('environments')
      .where({ id: ended.environmentId })
      .first();
    expect(env.status).toBe('ready');
    expect((await stepRows(db, opId)).map(s => s.status)).toEqual([
      'skipped',
      'skipped',
    ]);
  });

  it('releases a claim so that another runner takes it at once', async () => {
    const opId = await queueOperation(db);
    const a = queue('a');
    const claim = (await a.tryClaim(opId))!;
    expect(await queue('b').tryClaim(opId)).toBeUndefined();
    await a.release(claim);
    expect((await queue('b').tryClaim(opId))?.ownerId).toBe('b');
  });
});
