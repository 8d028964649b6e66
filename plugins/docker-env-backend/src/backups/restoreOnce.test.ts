import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { DatabaseDockerEnvStore } from '../store';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import { pruneFinalBackups } from './pruneFinalBackups';

jest.setTimeout(60_000);

const API = '/api/docker-env';
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const root = mockCredentials.user.header('user:default/root');

/** A final backup is restored at most once at a time, and retention never prunes it while a restore reads it. */
describe('restoring a final backup', () => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  let knex: Knex;
  let store: DatabaseDockerEnvStore;
  let seq = 0;

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    ({ server } = await startDockerEnvTestBackend({ knex }));
    store = await DatabaseDockerEnvStore.create({
      database: { getClient: async () => knex },
    });
  });

  const finalBackup = async () => {
    const n = ++seq;
    const gone = await store.insertEnvironment({
      name: `gone-${n}`,
      owner: 'user:default/alice',
      status: 'deleted',
      size: 'S',
      cpuCores: 1,
      memoryMb: 2048,
      diskGb: 16,
      purpose: '',
      expiresOn: null,
      createdBy: 'user:default/alice',
    });
    await store.finalBackups().record({
      environmentId: gone.id,
      volid: `backup:backup/vzdump-lxc-${200 + n}-a.tar.zst`,
      node: 'pve',
      vmid: 200 + n,
      operationId: `op-${n}`,
      createdAt: new Date('2026-01-01T00:00:00Z'),
    });
    const [backup] = (await store.finalBackups().listLive()).filter(
      b => b.environmentId === gone.id,
    );
    return backup;
  };
  const restore = (id: string, name: string) =>
    request(server)
      .post(`${API}/backups/${id}/restore`)
      .set('Authorization', root)
      .send({ name });

  it('answers 409 for a backup being restored or restored, and of concurrent restores only one wins', async () => {
    const backup = await finalBackup();
    const first = await restore(backup.id, `back-${seq}-a`);
    expect(first.status).toBe(202);
    const again = await restore(backup.id, `back-${seq}-b`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('already restored');
    expect(
      await knex('environments').where({ name: `back-${seq}-b` }),
    ).toHaveLength(0);
    // once the environment it made is gone, the backup may be restored again
    await store.updateEnvironment(first.body.environment.id, {
      status: 'deleted',
    });
    expect((await restore(backup.id, `back-${seq}-c`)).status).toBe(202);
    expect((await restore(backup.id, `back-${seq}-d`)).status).toBe(409);

    const other = await finalBackup();
    const answers = await Promise.all(
      [1, 2, 3, 4].map(i => restore(other.id, `race-${seq}-${i}`)),
    );
    expect(answers.map(a => a.status).sort()).toEqual([202, 409, 409, 409]);
    expect(
      await knex('operations').where({ kind: 'restore' }).count({ n: '*' }),
    ).toEqual([{ n: 3 }]);
  });

  it('retention skips a backup under restore, and prunes it once the restore ended', async () => {
    const backup = await finalBackup();
    const started = await restore(backup.id, `kept-${seq}`);
    expect(started.status).toBe(202);
    const deleted: string[] = [];
    const prune = () =>
      pruneFinalBackups({
        store,
        proxmox: () => ({
          deleteBackup: async (volid: string) => {
            deleted.push(volid);
            return undefined;
          },
          waitForTask: async () => ({} as any),
        }),
        retentionDays: 30,
        actor: 'system:retention',
        now: () => new Date('2026-12-07T00:00:00Z'),
      });
    expect(await prune()).not.toContain(backup.volid);
    expect(deleted).not.toContain(backup.volid);

    await store.updateEnvironment(started.body.environment.id, {
      status: 'ready',
    });
    expect(await prune()).toContain(backup.volid);
    expect(deleted).toContain(backup.volid);
  });
});
