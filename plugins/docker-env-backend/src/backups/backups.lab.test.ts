import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { edgeRequest, eventually } from '@docker-env/lab';
import {
  DockerClient,
  NetBoxClient,
  PortainerClient,
  ProxmoxApiClient,
} from '@docker-env/plugin-docker-env-node';
import { Knex } from 'knex';
import request from 'supertest';
import {
  API,
  as,
  LabBackend,
  startLabBackend,
} from '@docker-env/lab-testing/backend/labBackend';
import { RETENTION_ACTOR } from '../snapshots';
import { pruneFinalBackups } from './pruneFinalBackups';
import { DatabaseDockerEnvStore } from '../store';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Final backups: listed for admins, restored into a new environment through the runner, pruned by retention. */
describe('final backups against the lab, through the API', () => {
  let l: LabBackend;
  let knex: Knex;
  let proxmox: ProxmoxApiClient;
  const facts = async (name: string) => {
    const env = await knex('environments')
      .where({ name })
      .whereNot({ status: 'deleted' })
      .first();
    const ops = await knex('operations')
      .where({ environment_id: env.id, status: 'succeeded' })
      .orderBy('created_at');
    return Object.assign({}, ...ops.map(o => JSON.parse(o.result ?? '{}')));
  };
  const dockerAt = (ip: string) =>
    new DockerClient({
      kind: 'tcp',
      host: ip,
      port: 2375,
      allowInsecure: true,
    });

  /** DELETE /environments/{name} as its owner, then waits until it is `deleted`. */
  const deleteEnvironment = async (name: string) => {
    const del = await request(l.server)
      .delete(`${API}/environments/${name}?confirmName=${name}`)
      .set('Authorization', as('alice'));
    expect(del.status).toBe(202);
    await l.waitForStatus(name, 'deleted');
  };

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    l = await startLabBackend({ knex });
    proxmox = ProxmoxApiClient.fromConfig(l.clients);
  });
  afterAll(async () => {
    await l?.stop();
  });

  it('lists the final backup for admins only, restores it into a new environment, and retention prunes it', async () => {
    const gone = await l.provision('gone');
    const { ip } = await facts('gone');
    const docker = dockerAt(ip);
    await docker.pullImage('traefik/whoami:latest');
    await docker.createContainer({
      name: 'worker',
      image: 'traefik/whoami:latest',
      ports: [{ containerPort: 80, hostPort: 8081 }],
      restartPolicy: 'always',
    });
    await docker.start('worker');
    await deleteEnvironment('gone');

    const list = (auth: string) =>
      request(l.server).get(`${API}/backups`).set('Authorization', auth);
    expect((await list(mockCredentials.none.header())).status).toBe(401);
    expect((await list(as('bob'))).status).toBe(403);
    expect((await list(as('alice'))).status).toBe(403);
    const listed = await list(as('root'));
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        environmentId: gone.id,
        environment: 'gone',
        owner: 'user:default/alice',
        vmid: gone.vmid,
        volid: expect.stringMatching(/^backup:backup\/vzdump-lxc-/),
        restoredTo: null,
      }),
    ]);
    const backup = listed.body.items[0];
    expect(Date.parse(backup.expiresAt) - Date.parse(backup.createdAt)).toBe(
      30 * 86_400_000,
    );
    expect(
      (await proxmox.listBackups('backup', gone.vmid)).map(b => b.volid),
    ).toEqual([backup.volid]);

    const restore = (auth: string, body: object) =>
      request(l.server)
        .post(`${API}/backups/${backup.id}/restore`)
        .set('Authorization', auth)
        .send(body);
    expect(
      (await restore(mockCredentials.none.header(), { name: 'back' })).status,
    ).toBe(401);
    expect((await restore(as('bob'), { name: 'back' })).status).toBe(403);
    const bad = await restore(as('root'), { name: 'Back!' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^name: /);
    expect(
      (
        await request(l.server)
          .post(`${API}/backups/nope/restore`)
          .set('Authorization', as('root'))
          .send({ name: 'back' })
      ).status,
    ).toBe(404);
    expect(await knex('environments').where({ name: 'back' })).toEqual([]);

    const restored = await restore(as('root'), { name: 'back' });
    expect(restored.status).toBe(202);
    expect(restored.body.operation.kind).toBe('restore');
    const back = await l.waitForStatus('back', 'ready', 30_000);
    expect(back.owner).toBe('user:default/alice');

    // the CT is the new environment's, its containers came back, and the edge, Portainer and NetBox serve it
    const ct = await proxmox.getConfig(back.vmid);
    expect(ct.tags).toEqual(['docker-env', `docker-env-${back.id}`]);
    expect(ct.description).not.toContain(gone.id);
    expect(ct.hostname).toBe('back');
    const learnt = await facts('back');
    expect(
      (await dockerAt(learnt.ip).listContainers({ status: ['running'] }))
        .map(c => c.name)
        .sort(),
    ).toEqual(['docker-env-welcome', 'portainer_agent', 'worker']);
    await eventually(async () => {
      const res = await edgeRequest(l.lab.urls.edge!, `back.${l.baseDomain}`);
      if (res.status !== 200) throw new Error(`edge: ${res.status}`);
    });
    const endpoint = await PortainerClient.fromConfig(l.clients).getEndpoint(
      learnt.endpointId,
    );
    expect(endpoint.url).toContain(learnt.ip);
    const vm = await NetBoxClient.fromConfig(l.clients).getVirtualMachineById(
      learnt.netboxVmId,
    );
    expect(vm.name).toBe('back');
    expect((await list(as('root'))).body.items[0].restoredTo).toBe(back.id);
    const audit = await knex('audit_events').where({
      action: 'backup.restore',
      result: 'succeeded',
    });
    expect(audit.map(a => [a.actor, a.target])).toEqual([
      ['user:default/root', 'back'],
    ]);

    // the owner is told, as for a new environment
    await eventually(async () => {
      const sent = await knex('deliveries').where({
        environment_id: back.id,
        channel: 'notification',
        event: 'environment.ready',
      });
      if (sent.map(d => d.recipient).join() !== 'user:default/alice')
        throw new Error(`notices: ${JSON.stringify(sent)}`);
    });

    // the name is taken now
    expect((await restore(as('root'), { name: 'back' })).status).toBe(409);

    // retention: nothing before the period is over; 31 days on, the archive goes and the prune is audited
    const prune = (now?: Date) =>
      pruneFinalBackups({
        store: DatabaseDockerEnvStore.fromKnex(knex),
        proxmox: () => proxmox,
        retentionDays: 30,
        actor: RETENTION_ACTOR,
        now: now && (() => now),
      });
    expect(await prune()).toEqual([]);
    const later = new Date(Date.now() + 31 * 86_400_000);
    expect(await prune(later)).toEqual([backup.volid]);
    expect(await proxmox.listBackups('backup', gone.vmid)).toEqual([]);
    expect((await list(as('root'))).body.items).toEqual([]);
    const pruned = await knex('audit_events').where({
      action: 'backup.prune',
    });
    expect(pruned.map(a => [a.actor, a.target])).toEqual([
      [RETENTION_ACTOR, 'gone'],
    ]);
    expect(await prune(later)).toEqual([]);
  });

  it('a restore that fails at its last step leaves nothing behind, frees the name, and can be retried', async () => {
    await l.provision('lost');
    await deleteEnvironment('lost');
    const backup = (
      await request(l.server)
        .get(`${API}/backups`)
        .set('Authorization', as('root'))
    ).body.items.find((b: { environment: string }) => b.environment === 'lost');
    const restore = () =>
      request(l.server)
        .post(`${API}/backups/${backup.id}/restore`)
        .set('Authorization', as('root'))
        .send({ name: 'found' });

    l.lab.netbox.control.injectFault({
      operation: 'netbox.vm.create',
      times: Infinity,
      action: { kind: 'fail', status: 500, reason: 'netbox down' },
    });
    try {
      expect((await restore()).status).toBe(202);
      const failed = await l.waitForStatus('found', 'failed', 30_000);
      expect(failed.statusReason).toMatch(/netbox down/);
    } finally {
      l.lab.netbox.control.reset();
    }
    expect(await proxmox.findContainer({ hostname: 'found' })).toBeUndefined();
    const endpoints = await PortainerClient.fromConfig(
      l.clients,
    ).listEndpoints();
    expect(endpoints.map(e => e.name)).not.toContain('found');
    const res = await edgeRequest(l.lab.urls.edge!, `found.${l.baseDomain}`);
    expect(res.status).not.toBe(200);

    expect((await restore()).status).toBe(202);
    await l.waitForStatus('found', 'ready', 30_000);
  });
});
