import { TestDatabases } from '@backstage/backend-test-utils';
import { edgeRequest, eventually } from '@docker-env/lab';
import {
  DockerClient,
  NetBoxClient,
  PortainerClient,
  TraefikRoutes,
} from '@docker-env/plugin-docker-env-node';
import type { Config } from '@backstage/config';
import { Knex } from 'knex';
import request from 'supertest';
import { PAUSED_HEADER } from '../paused';
import {
  API,
  as,
  LabBackend,
  startLabBackend,
} from '@docker-env/lab-testing/backend/labBackend';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Pause and resume through the API, the durable runner and the lab, seen from the edge. */
describe('pause and resume against the lab, through the API', () => {
  let l: LabBackend;
  let knex: Knex;
  let config: Config;
  const post = (path: string) =>
    request(l.server).post(`${API}${path}`).set('Authorization', as('alice'));
  const host = (name: string) => `${name}.${l.baseDomain}`;
  /** The edge's answer for the host once it answers `status` (the edge reloads the route folder as it changes). */
  const edge = (name: string, status: number) =>
    eventually(async () => {
      const res = await edgeRequest(l.lab.urls.edge!, host(name));
      if (res.status !== status)
        throw new Error(`${host(name)}: ${res.status}, not ${status}`);
      return res;
    });
  /** The facts the environment's operations learnt, newest last. */
  const facts = async (name: string) => {
    const env = await knex('environments').where({ name }).first();
    const ops = await knex('operations')
      .where({ environment_id: env.id, status: 'succeeded' })
      .orderBy('created_at');
    return Object.assign({}, ...ops.map(o => JSON.parse(o.result ?? '{}')));
  };
  /** Once the owner has been told `events` (in order) about `name`, the notices sent, as `event recipient`. */
  const noticesAbout = (name: string, events: string[]) =>
    eventually(async () => {
      const env = await knex('environments').where({ name }).first();
      const sent = (
        await knex('deliveries')
          .where({ environment_id: env.id, channel: 'notification' })
          .orderBy('id')
      ).map(d => `${d.event} ${d.recipient}`);
      const lifecycle = sent.filter(e => !e.startsWith('environment.ready'));
      if (lifecycle.length < events.length)
        throw new Error(`${name}: only ${lifecycle.join(', ')} sent so far`);
      return lifecycle;
    });
  const owner = 'user:default/alice';
  const dockerAt = (ip: string) =>
    new DockerClient({
      kind: 'tcp',
      host: ip,
      port: 2375,
      allowInsecure: true,
    });
  const running = async (ip: string) =>
    (await dockerAt(ip).listContainers({ status: ['running'] }))
      .map(c => c.name)
      .filter(n => n !== 'portainer_agent')
      .sort();

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    l = await startLabBackend({ knex });
    config = l.clients;
  });
  afterAll(async () => {
    await l?.stop();
  });

  /** Provisions `name` and adds `worker` (running) and `old` (stopped, restart=always): 3 containers, 2 running. */
  async function shop(name: string) {
    await l.provision(name);
    const { ip } = await facts(name);
    const docker = dockerAt(ip);
    await docker.pullImage('traefik/whoami:latest');
    for (const [c, port, restartPolicy] of [
      ['worker', 8081, 'no'],
      ['old', 8082, 'always'],
    ] as const) {
      await docker.createContainer({
        name: c,
        image: 'traefik/whoami:latest',
        ports: [{ containerPort: 80, hostPort: port }],
        restartPolicy,
      });
      await docker.start(c);
    }
    await docker.stop('old');
    expect(await running(ip)).toEqual(['docker-env-welcome', 'worker']);
    return ip as string;
  }

  it('serves the host before, answers "paused" during and serves again after; resume brings back exactly the 2 that ran', async () => {
    const ip = await shop('shop');
    await edge('shop', 200);

    expect((await post('/environments/shop/pause')).status).toBe(202);
    await l.waitForStatus('shop', 'paused');
    const during = await edge('shop', 503);
    expect(during.headers[PAUSED_HEADER]).toBe('paused');
    expect(during.text).toContain('shop.docker.example.com is paused');
    expect((await facts('shop')).runningContainers).toEqual([
      'docker-env-welcome',
      'worker',
    ]);

    expect((await post('/environments/shop/resume')).status).toBe(202);
    await l.waitForStatus('shop', 'ready');
    // `old` came back with dockerd (restart=always) and was stopped again
    expect(await running(ip)).toEqual(['docker-env-welcome', 'worker']);
    const after = await edge('shop', 200);
    expect(after.headers[PAUSED_HEADER]).toBeUndefined();
    // the owner is told when each operation ends
    expect(
      await noticesAbout('shop', [
        'environment.pause.succeeded',
        'environment.resume.succeeded',
      ]),
    ).toEqual([
      `environment.pause.succeeded ${owner}`,
      `environment.resume.succeeded ${owner}`,
    ]);
  });

  it('a resume that gets a new address: the route, the Portainer endpoint and NetBox follow it', async () => {
    const oldIp = await shop('moving');
    expect((await post('/environments/moving/pause')).status).toBe(202);
    await l.waitForStatus('moving', 'paused');
    l.lab.proxmox.control.injectFault({
      operation: 'proxmox.lxc.start',
      action: { kind: 'new-address' },
    });
    expect((await post('/environments/moving/resume')).status).toBe(202);
    await l.waitForStatus('moving', 'ready');
    l.lab.proxmox.control.reset();

    const learnt = await facts('moving');
    const newIp = learnt.ip as string;
    expect(newIp).not.toBe(oldIp);
    expect(await running(newIp)).toEqual(['docker-env-welcome', 'worker']);
    const route = await TraefikRoutes.fromConfig(config).getRoute('moving');
    expect(JSON.stringify(route)).toContain(`${newIp}:8080`);
    expect(JSON.stringify(route)).not.toContain(oldIp);
    const vm = await NetBoxClient.fromConfig(config).getVirtualMachineById(
      learnt.netboxVmId,
    );
    expect(vm.primaryIp4?.address.split('/')[0]).toBe(newIp);
    const endpoint = await PortainerClient.fromConfig(config).getEndpoint(
      learnt.endpointId,
    );
    expect(endpoint.url).toContain(newIp);
    await edge('moving', 200);
    // the containers read model follows the new address too
    const containers = await request(l.server)
      .get(`${API}/environments/moving/containers`)
      .set('Authorization', as('alice'));
    expect(containers.status).toBe(200);
  });

  it('a failed delete of a paused environment leaves it paused, with the reason', async () => {
    await shop('stays');
    expect((await post('/environments/stays/pause')).status).toBe(202);
    await l.waitForStatus('stays', 'paused');
    l.lab.proxmox.control.injectFault({
      operation: 'proxmox.vzdump',
      times: Infinity,
      action: { kind: 'fail', status: 500, reason: 'storage offline' },
    });
    try {
      const del = await request(l.server)
        .delete(`${API}/environments/stays?confirmName=stays`)
        .set('Authorization', as('alice'));
      expect(del.status).toBe(202);
      const env = await l.waitForStatus('stays', 'paused', 30_000);
      expect(env.statusReason).toMatch(
        /^delete (rolled back|failed): .*storage offline/,
      );
    } finally {
      l.lab.proxmox.control.reset();
    }
    expect((await edge('stays', 503)).headers[PAUSED_HEADER]).toBe('paused');
    expect(await noticesAbout('stays', ['pause', 'delete failed'])).toEqual([
      `environment.pause.succeeded ${owner}`,
      `environment.delete.failed ${owner}`,
    ]);
  });
});
