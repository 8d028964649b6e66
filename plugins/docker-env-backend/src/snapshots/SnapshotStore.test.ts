import { Knex } from 'knex';
import type { OperationRecord } from '../runner';
import { DatabaseDockerEnvStore } from '../store';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import { recordSnapshotOutcome } from './snapshotRecords';
import { mergeSnapshots } from './snapshotList';
import { DatabaseSnapshotStore, type SnapshotStore } from './SnapshotStore';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

function operation(
  environmentId: string,
  kind: OperationRecord['kind'],
  input: Record<string, unknown>,
  overrides: Partial<OperationRecord> = {},
): OperationRecord {
  return {
    id: `op-${kind}-${String(input.snapshotName)}`,
    environmentId,
    kind,
    status: 'succeeded',
    input,
    result: {},
    error: null,
    failedStep: null,
    requestedBy: 'user:default/alice',
    createdAt: new Date('2026-11-01T10:00:00Z'),
    startedAt: new Date('2026-11-01T10:00:00Z'),
    endedAt: new Date('2026-11-01T10:00:05Z'),
    claimedBy: null,
    claimExpiresAt: null,
    attempts: 1,
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'snapshot records on %s',
  databaseId => {
    let knex: Knex;
    let envId: string;
    let snapshots: SnapshotStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const store = await DatabaseDockerEnvStore.create({
        database: { getClient: async () => knex },
      });
      const env = await store.insertEnvironment({
        name: 'snappy',
        owner: 'user:default/alice',
        status: 'ready',
        size: 'S',
        cpuCores: 1,
        memoryMb: 2048,
        diskGb: 16,
        purpose: '',
        expiresOn: null,
        createdBy: 'user:default/alice',
      });
      envId = env.id;
      snapshots = new DatabaseSnapshotStore(knex);
    });

    beforeEach(async () => {
      await knex('snapshots').delete();
    });

    it('records a created snapshot, its rollback and its delete, in the operation ending transaction', async () => {
      await knex.transaction(tx =>
        recordSnapshotOutcome(
          operation(envId, 'snapshot_create', {
            snapshotName: 'before',
            snapshotDescription: 'before the upgrade',
          }),
          new DatabaseSnapshotStore(tx),
        ),
      );
      expect(await snapshots.listLive(envId)).toEqual([
        expect.objectContaining({
          name: 'before',
          description: 'before the upgrade',
          createdBy: 'user:default/alice',
          createdAt: '2026-11-01T10:00:05.000Z',
          operationId: 'op-snapshot_create-before',
          deletedAt: null,
        }),
      ]);

      await recordSnapshotOutcome(
        operation(
          envId,
          'snapshot_rollback',
          { snapshotName: 'before' },
          { requestedBy: 'user:default/carol' },
        ),
        snapshots,
      );
      expect((await snapshots.listLive(envId))[0]).toMatchObject({
        rolledBackBy: 'user:default/carol',
        rolledBackAt: '2026-11-01T10:00:05.000Z',
      });

      await recordSnapshotOutcome(
        operation(
          envId,
          'snapshot_delete',
          {
            snapshotName: 'before',
            snapshotDeleteReason: 'older than 30 days',
          },
          {
            requestedBy: 'system:retention',
            endedAt: new Date('2026-12-02T00:00:00Z'),
          },
        ),
        snapshots,
      );
      expect(await snapshots.listLive(envId)).toEqual([]);
      expect(await snapshots.listAll(envId)).toEqual([
        expect.objectContaining({
          name: 'before',
          deletedAt: '2026-12-02T00:00:00.000Z',
          deletedBy: 'system:retention',
          deletedReason: 'older than 30 days',
        }),
      ]);
    });

    it('changes nothing for a failed operation; a name made again starts a fresh record', async () => {
      await recordSnapshotOutcome(
        operation(
          envId,
          'snapshot_create',
          { snapshotName: 'again' },
          { status: 'rolled_back' },
        ),
        snapshots,
      );
      expect(await snapshots.listAll(envId)).toEqual([]);

      const create = operation(envId, 'snapshot_create', {
        snapshotName: 'again',
      });
      await recordSnapshotOutcome(create, snapshots);
      await recordSnapshotOutcome(
        operation(envId, 'snapshot_delete', { snapshotName: 'again' }),
        snapshots,
      );
      expect((await snapshots.listAll(envId))[0].deletedReason).toBe(
        'deleted on request',
      );
      await recordSnapshotOutcome(
        { ...create, id: 'op-second', requestedBy: 'user:default/carol' },
        snapshots,
      );
      expect(await snapshots.listAll(envId)).toEqual([
        expect.objectContaining({
          name: 'again',
          createdBy: 'user:default/carol',
          operationId: 'op-second',
          deletedAt: null,
          deletedReason: null,
        }),
      ]);
    });

    it("marks every snapshot deleted when the environment's delete succeeds", async () => {
      for (const name of ['one', 'two'])
        await recordSnapshotOutcome(
          operation(envId, 'snapshot_create', { snapshotName: name }),
          snapshots,
        );
      await recordSnapshotOutcome(operation(envId, 'delete', {}), snapshots);
      const all = await snapshots.listAll(envId);
      expect(all.map(s => [s.name, s.deletedReason])).toEqual([
        ['one', 'environment deleted'],
        ['two', 'environment deleted'],
      ]);
    });
  },
);

describe('mergeSnapshots', () => {
  const record = (name: string, createdAt: string) => ({
    id: name,
    environmentId: 'e',
    name,
    description: `recorded ${name}`,
    createdBy: 'user:default/alice',
    createdAt,
    operationId: `op-${name}`,
    rolledBackAt: null,
    rolledBackBy: null,
    deletedAt: null,
    deletedBy: null,
    deletedReason: null,
  });

  it('marks recorded snapshots portal, unrecorded ones outside, and records Proxmox lost as not in Proxmox', () => {
    const items = mergeSnapshots(
      [
        { name: 'mine', description: 'mine', snaptime: 200 },
        { name: 'theirs', description: 'by hand', snaptime: 100 },
      ],
      [
        record('mine', '1970-01-01T00:03:20.000Z'),
        record('lost', '1970-01-01T00:05:00.000Z'),
      ],
    );
    expect(items).toEqual([
      {
        name: 'theirs',
        description: 'by hand',
        snaptime: 100,
        origin: 'outside',
        inProxmox: true,
      },
      {
        name: 'mine',
        description: 'mine',
        snaptime: 200,
        origin: 'portal',
        inProxmox: true,
        createdBy: 'user:default/alice',
        createdAt: '1970-01-01T00:03:20.000Z',
        operationId: 'op-mine',
      },
      {
        name: 'lost',
        description: 'recorded lost',
        origin: 'portal',
        inProxmox: false,
        createdBy: 'user:default/alice',
        createdAt: '1970-01-01T00:05:00.000Z',
        operationId: 'op-lost',
      },
    ]);
  });
});
