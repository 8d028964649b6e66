import { portainerContractValidator } from '../contracts';
import { GuestFleet } from '../guest';
import { PortainerSimulator } from './PortainerSimulator';
import { portainerTestCalls } from './testing';

const IP = '127.232.0.101';

describe('PortainerSimulator: status, snapshots, tags', () => {
  let sim: PortainerSimulator;
  let guests: GuestFleet;
  const contract = portainerContractValidator({ goNullable: true });
  const calls = portainerTestCalls(() => sim.url);
  const { call } = calls;
  const createEndpoint = (name: string, tagIds: number[] = []) =>
    calls.createEndpoint(name, `tcp://${IP}:9001`, {
      TagIds: JSON.stringify(tagIds),
    });

  beforeEach(async () => {
    sim = await PortainerSimulator.start({ latencyScale: 0 });
    guests = new GuestFleet({ latencyScale: 0 });
    await guests.start({
      vmid: 101,
      hostname: 'env-a',
      ip: IP,
      dockerPreinstalled: true,
    });
  });
  afterEach(async () => {
    await sim.stop();
    await guests.stopAll();
  });

  it('answers /status and /system/status without a key, /system/version with one', async () => {
    for (const path of ['/status', '/system/status']) {
      const res = await call('GET', path, undefined, {});
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        Version: '2.27.9',
        InstanceID: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(
        contract.validate(
          'github.com_portainer_portainer-ee_api_http_handler_system.status',
          res.body,
        ),
      ).toEqual([]);
    }
    expect((await call('GET', '/system/version', undefined, {})).status).toBe(
      401,
    );
    const version = await call('GET', '/system/version');
    expect(version.body).toMatchObject({
      ServerVersion: '2.27.9',
      ServerEdition: 'CE',
    });
    expect(
      contract.validate(
        'github.com_portainer_portainer-ee_api_http_handler_system.versionResponse',
        version.body,
      ),
    ).toEqual([]);
  });

  it('snapshots an agent environment at creation, on request, and marks it down when the agent is gone', async () => {
    const created = await createEndpoint('env-a');
    expect(created.status).toBe(200);
    expect(created.body.Status).toBe(1);
    expect(created.body.Snapshots).toHaveLength(1);
    const first = created.body.Snapshots[0];
    expect(contract.validate('portainer.DockerSnapshot', first)).toEqual([]);
    expect(first).toMatchObject({
      DockerVersion: '26.1.4',
      ContainerCount: 1, // the portainer_agent container
      RunningContainerCount: 1,
      StoppedContainerCount: 0,
      ImageCount: 1,
      Swarm: false,
    });
    const engine = guests.engine(101)!;
    engine.createContainer('web', {
      Image: 'portainer/agent:2.27.9',
      Labels: { 'com.docker.compose.project': 'shop' },
    });
    const id = created.body.Id;
    expect((await call('POST', `/endpoints/${id}/snapshot`)).status).toBe(204);
    const after = (await call('GET', `/endpoints/${id}`)).body;
    expect(after.Snapshots[0]).toMatchObject({
      ContainerCount: 2,
      RunningContainerCount: 1,
      StoppedContainerCount: 1,
      StackCount: 1,
    });
    expect(after.Snapshots[0].DockerSnapshotRaw.Containers).toHaveLength(2);
    const listed = (await call('GET', '/endpoints')).body[0];
    expect(listed.Snapshots[0].DockerSnapshotRaw).toEqual({});

    await guests.stop(101);
    expect((await call('POST', '/endpoints/snapshot')).status).toBe(204);
    const down = (await call('GET', `/endpoints/${id}`)).body;
    expect(down.Status).toBe(2);
    expect(down.Snapshots[0].ContainerCount).toBe(2);
    expect((await call('POST', '/endpoints/99/snapshot')).status).toBe(404);
  });

  it('creates, lists and deletes tags; environments carry them', async () => {
    const made = await call('POST', '/tags', { name: 'docker-env' });
    expect(made.status).toBe(200);
    expect(contract.validate('portainer.Tag', made.body)).toEqual([]);
    const tagId = made.body.ID;
    expect(typeof tagId).toBe('number');
    expect((await call('POST', '/tags', { name: 'docker-env' })).status).toBe(
      409,
    );
    expect((await call('POST', '/tags', { name: '' })).status).toBe(400);
    expect((await createEndpoint('env-x', [tagId + 7])).status).toBe(500);
    const env = await createEndpoint('env-a', [tagId]);
    expect(env.body.TagIds).toEqual([tagId]);
    const tags = (await call('GET', '/tags')).body;
    expect(tags).toEqual([
      {
        ID: tagId,
        Name: 'docker-env',
        Endpoints: { [String(env.body.Id)]: true },
        EndpointGroups: {},
      },
    ]);
    expect((await call('DELETE', `/tags/${tagId}`)).status).toBe(204);
    expect((await call('DELETE', `/tags/${tagId}`)).status).toBe(404);
    expect(
      (await call('GET', `/endpoints/${env.body.Id}`)).body.TagIds,
    ).toEqual([]);
    expect((await call('GET', '/tags', undefined, {})).status).toBe(401);
  });

  it('lists the registries of an environment', async () => {
    const env = await createEndpoint('env-a');
    const res = await call('GET', `/endpoints/${env.body.Id}/registries`);
    expect(res).toMatchObject({ status: 200, body: [] });
    expect((await call('GET', '/endpoints/42/registries')).status).toBe(404);
  });
});
