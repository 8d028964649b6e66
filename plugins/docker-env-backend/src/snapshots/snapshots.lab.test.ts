import { TestDatabases } from '@backstage/backend-test-utils';
import { ProxmoxApiClient } from '@docker-env/plugin-docker-env-node';
import { Knex } from 'knex';
import request from 'supertest';
import {
  API,
  as,
  LabBackend,
  startLabBackend,
} from '@docker-env/lab-testing/backend/labBackend';
import { DatabaseDockerEnvStore } from '../store';
import { waitForOperation } from '@docker-env/lab-testing/backend/operations';
import {
  RETENTION_ACTOR,
  type RetentionScope,
  runSnapshotRetention,
} from './retentionTask';

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
    const records = DatabaseDockerEnvStore.fromKnex(knex).snapshots();
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
    expect(
      await DatabaseDockerEnvStore.fromKnex(knex).snapshots().listAll(env.id),
    ).toEqual([]);
    expect(
      (await call('get', '/environments/nosnap/snapshots')).body.items,
    ).toEqual([]);
  });

  it('retention deletes the portal\'s snapshots older than the retention through the runner, records what it removed, and keeps the ones made by hand unless its scope is all', async () => {
    const env = await l.provision('aging');
    const made = await call('post', '/environments/aging/snapshots').send({
      description: 'old one',
    });
    await waitForOperation(knex, made.body.operation.id, 'succeeded');
    const old = made.body.operation.input.snapshotName;
    for (const name of ['byhand', 'fresh'])
      await proxmox.waitForTask(await proxmox.createSnapshot(env.vmid, name));
    // Proxmox took `old` and `byhand` 40 days ago
    const fortyDaysAgo = Math.floor(Date.now() / 1000) - 40 * 86_400;
    for (const s of l.lab.proxmox.state.containers.get(env.vmid)!.snapshots)
      if (s.name !== 'fresh') s.snaptime = fortyDaysAgo;

    const store = await DatabaseDockerEnvStore.create({
      database: { getClient: async () => knex },
    });
    const retention = (now?: Date, scope?: RetentionScope) =>
      runSnapshotRetention({
        store,
        proxmox: () => proxmox,
        retentionDays: 30,
        now: now && (() => now),
        scope,
      });
    // the default scope: only what the portal made (an admin's `byhand` snapshot stays)
    expect((await retention()).queued).toEqual([`aging/${old}`]);
    const operation = await knex('operations')
      .where({ environment_id: env.id, requested_by: RETENTION_ACTOR })
      .first();
    await waitForOperation(knex, operation.id, 'succeeded');
    expect((await proxmox.listSnapshots(env.vmid)).map(s => s.name)).toEqual([
      'byhand',
      'fresh',
    ]);
    expect(
      await DatabaseDockerEnvStore.fromKnex(knex).snapshots().listAll(env.id),
    ).toEqual([
      expect.objectContaining({
        name: old,
        deletedBy: RETENTION_ACTOR,
        deletedReason: 'older than the 30-day snapshot retention',
      }),
    ]);
    const audit = await knex('audit_events')
      .where({ actor: RETENTION_ACTOR, environment_id: env.id })
      .orderBy('id');
    expect(
      audit.map(a => [a.action, JSON.parse(a.details).snapshot.name]),
    ).toEqual([['environment.snapshot.delete', old]]);

    // a rerun finds nothing; 31 days on (a fake clock) still nothing of the portal's; with scope `all`, both go
    expect((await retention()).queued).toEqual([]);
    const later = new Date(Date.now() + 31 * 86_400_000);
    expect(
      (await retention(later)).queued.filter(q => q.startsWith('aging/')),
    ).toEqual([]);
    expect(
      (await retention(later, 'all')).queued.filter(q =>
        q.startsWith('aging/'),
      ),
    ).toEqual(['aging/byhand', 'aging/fresh']);
  });
});
