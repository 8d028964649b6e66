import { TestDatabases } from '@backstage/backend-test-utils';
import {
  DockerClient,
  ProxmoxApiClient,
  type RrdPoint,
} from '@docker-env/plugin-docker-env-node';
import request from 'supertest';
import {
  API,
  as,
  LabBackend,
  startLabBackend,
} from '@docker-env/lab-testing/backend/labBackend';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const MINUTE = 60_000;

/** Each point of `ours` equals the lab's point of the same time within 5 %, or the lab's point one step away. */
function expectSameSeries(ours: RrdPoint[], lab: RrdPoint[], step: number) {
  const byTime = new Map(lab.map(p => [p.time, p]));
  const close = (a?: number, b?: number) =>
    a === undefined
      ? b === undefined
      : b !== undefined && Math.abs(a - b) <= 0.05 * Math.max(a, b);
  for (const p of ours) {
    const candidates = [p.time, p.time - step, p.time + step]
      .map(t => byTime.get(t))
      .filter((c): c is RrdPoint => c !== undefined);
    const keys = ['cpu', 'mem', 'disk', 'netin', 'netout'] as const;
    const match = candidates.some(c => keys.every(k => close(p[k], c[k])));
    if (!match)
      throw new Error(
        `point ${p.time}: ${JSON.stringify(
          p,
        )} is not the lab's ${JSON.stringify(candidates)}`,
      );
  }
}

describe('GET /environments/{name}/usage against the lab', () => {
  let l: LabBackend;
  const get = (path: string) =>
    request(l.server).get(`${API}${path}`).set('Authorization', as('alice'));

  beforeAll(async () => {
    l = await startLabBackend({
      knex: await databases.init('SQLITE_3'),
      // every request reads afresh (the cache is tested below with its own setting)
      dockerEnv: { usage: { cacheMs: 0 } },
    });
  });
  afterAll(async () => {
    await l?.stop();
  });

  it("draws the lab's rrddata of a CT made busy: the busy minutes carry the container's CPU and memory", async () => {
    const env = await l.provision('busy');
    const vmid = env.vmid as number;
    const ct = l.lab.proxmox.state.containers.get(vmid)!;
    // the CT has run for ten minutes (the lab's clock is the wall clock: its start is moved back)
    ct.createdAt -= 10 * MINUTE;
    ct.startedAt! -= 10 * MINUTE;
    const docker = new DockerClient({
      kind: 'tcp',
      host: new URL(l.lab.guests.dockerUrl(vmid)!).hostname,
      port: 2375,
      allowInsecure: true,
    });
    await docker.pullImage('traefik/whoami:latest');
    await docker.createContainer({
      name: 'spinner',
      image: 'traefik/whoami:latest',
      labels: {
        'lab.cpu.percent': '90',
        'lab.memory.bytes': String(512 * 1024 * 1024),
      },
    });
    await docker.start('spinner');
    // ... and the container has kept 0.9 of a core busy for the last five of them
    const engine = l.lab.guests.engine(vmid)!;
    engine.runLog.begin(
      engine.findContainer('spinner'),
      Date.now() - 5 * MINUTE,
    );

    const res = await get('/environments/busy/usage?range=hour');
    expect(res.status).toBe(200);
    const labRrd = await ProxmoxApiClient.fromConfig(l.clients).getRrdData(
      vmid,
      { timeframe: 'hour' },
    );
    expect(res.body.stepSeconds).toBe(60);
    expect(res.body.series).toHaveLength(70);
    expectSameSeries(res.body.series, labRrd, 60);

    const known = (res.body.series as RrdPoint[]).filter(
      p => p.cpu !== undefined,
    );
    const now = Date.now() / 1000;
    const busy = known.filter(
      p => p.time >= now - 4 * 60 && p.time + 60 <= now,
    );
    const idle = known.filter(p => p.time + 60 <= now - 6 * 60);
    expect(busy.length).toBeGreaterThanOrEqual(3);
    expect(idle.length).toBeGreaterThanOrEqual(3);
    // S size: one core; 0.9 of it is the container's, the guest's own baseline is at most 0.12
    for (const p of busy) expect(p.cpu!).toBeGreaterThan(0.9);
    for (const p of idle) expect(p.cpu!).toBeLessThan(0.15);
    // the guest's own memory moves between 18 and 30 % of its 2 GiB; the container holds 512 MiB more
    const maxmem = 2048 * 1024 * 1024;
    for (const p of busy)
      expect(p.mem!).toBeGreaterThanOrEqual(
        Math.floor(0.18 * maxmem) + 512 * 1024 * 1024 - 1,
      );
    for (const p of idle) expect(p.mem!).toBeLessThanOrEqual(0.3 * maxmem);
    expect(res.body.limits).toEqual({
      cpuCores: 1,
      memoryBytes: 2048 * 1024 * 1024,
      diskBytes: 16 * 1024 ** 3,
    });
    expect(res.body.current.status).toBe('running');
    expect(res.body.current.cpu).toBeGreaterThan(0.9);
    expect(res.body.units).toMatchObject({
      cpu: 'fraction of limits.cpuCores',
      netin: 'bytes/s',
    });
    const spinner = res.body.containers.find(
      (c: { name: string }) => c.name === 'spinner',
    );
    expect(spinner).toMatchObject({
      state: 'running',
      memoryBytes: 512 * 1024 * 1024 - 1024 * 1024,
      restartCount: 0,
    });
    // a second read computes CPU between its one-shot sample and the first one: about 90 % of a core
    await new Promise(r => setTimeout(r, 300));
    const again = await get('/environments/busy/usage?range=hour');
    const cpu = again.body.containers.find(
      (c: { name: string }) => c.name === 'spinner',
    ).cpuPercent;
    expect(cpu).toBeGreaterThan(80);
    expect(cpu).toBeLessThan(100);

    // the other ranges answer the lab's points at their steps
    for (const [range, step] of [
      ['day', 1800],
      ['week', 10800],
      ['month', 43200],
    ] as const) {
      const r = await get(`/environments/busy/usage?range=${range}`);
      expect(r.body.stepSeconds).toBe(step);
      expect(r.body.series[1].time - r.body.series[0].time).toBe(step);
    }
  });

  it('refuses an unknown range naming the field, and an environment without a CT', async () => {
    const bad = await get('/environments/busy/usage?range=year');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('range');
    expect((await get('/environments/nowhere/usage')).status).toBe(404);
  });

  it('answers a paused environment with its limits, no containers and paused: true', async () => {
    expect(
      (
        await request(l.server)
          .post(`${API}/environments/busy/pause`)
          .set('Authorization', as('alice'))
      ).status,
    ).toBe(202);
    await l.waitForStatus('busy', 'paused');
    const res = await get('/environments/busy/usage');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      paused: true,
      range: 'hour',
      containers: [],
      current: { status: 'stopped', cpu: 0 },
    });
  });
});
