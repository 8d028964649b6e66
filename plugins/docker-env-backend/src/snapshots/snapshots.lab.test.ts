import { TestDatabases } from '@backstage/backend-test-utils';
import { ProxmoxApiClient } from '@docker-env/plugin-docker-env-node';
import { Knex } from 'knex';
import request from 'supertest';
import { API, as, LabBackend, startLabBackend } from '../testing/labBackend';
import { waitForOperation } from '../testing/operations';
import { SnapshotStore } from './SnapshotStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Snapshot metadata through the API, the durable runner and the lab. */
describe('snapshot records against the lab, through the API', () => {
  let l: LabBackend;
  let knex: Knex;
  let proxmox: ProxmoxApiClient;
  const call = (method: 'get' | 'post' | 'delete', path: string) =>
    request(l.server)
      [method](`${API}${path}`)
      .set('Authorization', as('alice'));

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    l = await startLabBackend({ knex });
    proxmox = ProxmoxApiClient.fromConfig(l.clients);
  });
  afterAll(async () => {
    await l?.stop();
  });

  it('records create, rollback and delete; lists a snapshot made in Proxmox as made outside', async () => {
    const env = await l.provision('snaps');
    const created = await call('post', '/environments/snaps/snapshots').send({
      description: 'before the upgrade',
    });
    expect(created.status).toBe(202);
    const name = created.body.operation.input.snapshotName;
    await waitForOperation(knex, created.body.operation.id, 'succeeded');

    await proxmox.waitForTask(
      await proxmox.createSnapshot(env.vmid, 'byhand', 'made in the PVE UI'),
    );

    const listed = await call('get', '/environments/snaps/snapshots');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        name,
        description: 'before the upgrade',
        origin: 'portal',
        inProxmox: true,
        createdBy: 'user:default/alice',
        operationId: created.body.operation.id,
        snaptime: expect.any(Number),
      }),
      expect.objectContaining({
        name: 'byhand',
        origin: 'outside',
        inProxmox: true,
      }),
    ]);
    expect(listed.body.items[1].createdBy).toBeUndefined();

    const rollback = await call(
      'post',
      `/environments/snaps/snapshots/${name}/rollback`,
    );
    expect(rollback.status).toBe(202);
    await waitForOperation(knex, rollback.body.operation.id, 'succeeded');
    const records = new SnapshotStore(knex);
    expect((await records.listLive(env.id))[0]).toMatchObject({
      name,
      rolledBackBy: 'user:default/alice',
    });

    const deleted = await call(
      'delete',
      `/environments/snaps/snapshots/${name}`,
    );
    expect(deleted.status).toBe(202);
    await waitForOperation(knex, deleted.body.operation.id, 'succeeded');
    expect(
      (await call('get', '/environments/snaps/snapshots')).body.items.map(
        (s: { name: string; origin: string }) => `${s.name} ${s.origin}`,
      ),
    ).toEqual(['byhand outside']);
    expect(await records.listAll(env.id)).toEqual([
      expect.objectContaining({
        name,
        deletedBy: 'user:default/alice',
        deletedReason: 'deleted on request',
      }),
    ]);
  });

  it('a snapshot create that fails in Proxmox records nothing', async () => {
    const env = await l.provision('nosnap');
    l.lab.proxmox.control.injectFault({
      operation: 'proxmox.lxc.snapshot.create',
      times: Infinity,
      action: { kind: 'fail', status: 500, reason: 'storage full' },
    });
    try {
      const created = await call('post', '/environments/nosnap/snapshots');
      expect(created.status).toBe(202);
      await waitForOperation(knex, created.body.operation.id, 'rolled_back');
    } finally {
      l.lab.proxmox.control.reset();
    }
    expect(await new SnapshotStore(knex).listAll(env.id)).toEqual([]);
    expect(
      (await call('get', '/environments/nosnap/snapshots')).body.items,
    ).toEqual([]);
  });
});
