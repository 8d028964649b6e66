import { Knex } from 'knex';
import type { OperationRecord } from '../runner';
import { DatabaseDockerEnvStore, type DockerEnvStore } from '../store';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import { recordFinalBackup, recordRestoreOutcome } from './finalBackupRecords';
import { FinalBackups } from './FinalBackups';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

describe.each(databases.eachSupportedId())(
  'final backup records on %s',
  databaseId => {
    let knex: Knex;
    let envId: string;
    let records: DockerEnvStore;

    const deleteOperation = (
      overrides: Partial<OperationRecord> = {},
    ): OperationRecord => ({
      id: 'op-delete',
      environmentId: envId,
      kind: 'delete',
      status: 'succeeded',
      input: { vmid: 105, node: 'pve' },
      result: { finalBackupVolid: 'backup:backup/vzdump-lxc-105-a.tar.zst' },
      error: null,
      failedStep: null,
      requestedBy: 'user:default/alice',
      createdAt: new Date('2026-10-01T00:00:00Z'),
      startedAt: new Date('2026-10-01T00:00:00Z'),
      endedAt: new Date('2026-10-01T00:01:00Z'),
      claimedBy: null,
      claimExpiresAt: null,
      attempts: 1,
      ...overrides,
    });

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      records = await DatabaseDockerEnvStore.create({
        database: { getClient: async () => knex },
      });
      const store = records;
      envId = (
        await store.insertEnvironment({
          name: 'old',
          owner: 'user:default/alice',
          status: 'deleted',
          size: 'S',
          cpuCores: 1,
          memoryMb: 2048,
          diskGb: 16,
          purpose: '',
          expiresOn: null,
          createdBy: 'user:default/alice',
        })
      ).id;
    });

    it('records a succeeded delete once, lists it with its expiry, and forgets it once pruned', async () => {
      await recordFinalBackup(
        deleteOperation({ status: 'failed' }),
        records.finalBackups(),
      );
      await recordFinalBackup(
        deleteOperation({ kind: 'pause' }),
        records.finalBackups(),
      );
      expect(await records.finalBackups().listLive()).toEqual([]);

      await records.transaction(tx =>
        recordFinalBackup(deleteOperation(), tx.finalBackups()),
      );
      await recordFinalBackup(deleteOperation(), records.finalBackups());
      const backups = new FinalBackups(records, 30);
      const [listed, ...more] = await backups.list();
      expect(more).toEqual([]);
      expect(listed).toEqual({
        id: expect.any(String),
        environmentId: envId,
        environment: 'old',
        owner: 'user:default/alice',
        volid: 'backup:backup/vzdump-lxc-105-a.tar.zst',
        node: 'pve',
        vmid: 105,
        operationId: 'op-delete',
        createdAt: '2026-10-01T00:01:00.000Z',
        expiresAt: '2026-10-31T00:01:00.000Z',
        restoredTo: null,
      });

      const store = records.finalBackups();
      expect(await store.listLive(new Date('2026-10-01T00:01:00Z'))).toEqual(
        [],
      );
      expect(
        (await store.listLive(new Date('2026-10-01T00:01:01Z'))).length,
      ).toBe(1);
      expect(
        await backups.transaction(async (_tx, b) =>
          b.markRestoredTo(listed.id, envId),
        ),
      ).toBe(true);
      expect((await backups.get(listed.id))?.restoredTo).toBe(envId);
      // a restore that did not succeed drops the mark, only while it names that restore's environment
      const restore = (overrides: Partial<OperationRecord>) =>
        deleteOperation({
          kind: 'restore',
          input: { finalBackupId: listed.id },
          result: {},
          ...overrides,
        });
      await recordRestoreOutcome(restore({}), records.finalBackups());
      await recordRestoreOutcome(
        restore({ status: 'rolled_back', environmentId: 'another' }),
        records.finalBackups(),
      );
      expect((await backups.get(listed.id))?.restoredTo).toBe(envId);
      await records.transaction(tx =>
        recordRestoreOutcome(
          restore({ status: 'rolled_back' }),
          tx.finalBackups(),
        ),
      );
      expect((await backups.get(listed.id))?.restoredTo).toBeNull();
      await backups.transaction(async (_tx, b) =>
        b.markRestoredTo(listed.id, envId),
      );
      // held by that restore: no other restore may mark it
      expect(await store.markRestoredTo(listed.id, 'another')).toBe(false);
      expect((await backups.get(listed.id))?.restoredTo).toBe(envId);
      await store.markPruned(listed.id, new Date(), 'system:retention');
      expect(await backups.get(listed.id)).toBeUndefined();
      expect(await backups.list()).toEqual([]);
    });
  },
);
