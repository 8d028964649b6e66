import http from 'node:http';
import { guestIpForVmid } from '../core';
import { DockerEngineSimulator } from './DockerEngineSimulator';
import { GuestFleet } from './GuestFleet';

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      url,
      {
        method,
        agent: false,
        headers: {
          ...(data ? { 'Content-Type': 'application/json' } : {}),
          ...headers,
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const json = (r: Raw) => JSON.parse(r.body.toString());

describe('DockerEngineSimulator (raw Docker Engine API)', () => {
  let sim: DockerEngineSimulator;
  beforeAll(async () => {
    sim = await DockerEngineSimulator.start({
      latencyScale: 0,
      images: ['nginx:latest'],
    });
  });
  afterAll(() => sim.stop());

  it('answers /_ping and /version with the engine headers, with and without a version prefix', async () => {
    const ping = await request(sim.url, 'GET', '/_ping');
    expect(ping.status).toBe(200);
    expect(ping.body.toString()).toBe('OK');
    expect(ping.headers['api-version']).toBe('1.45');
    expect(ping.headers.server).toBe('Docker/26.1.4 (linux)');
    const version = await request(sim.url, 'GET', '/v1.41/version');
    expect(json(version)).toMatchObject({
      ApiVersion: '1.45',
      MinAPIVersion: '1.24',
      Os: 'linux',
    });
    const tooNew = await request(sim.url, 'GET', '/v1.99/_ping');
    expect(tooNew.status).toBe(400);
    expect(json(tooNew)).toEqual({
      message:
        'client version 1.99 is too new. Maximum supported API version is 1.45',
    });
    const unknown = await request(sim.url, 'GET', '/nothing/here');
    expect(unknown.status).toBe(404);
    expect(json(unknown)).toEqual({ message: 'page not found' });
  });

  it('answers errors as {"message"} with the real status codes', async () => {
    const missing = await request(
      sim.url,
      'GET',
      '/v1.41/containers/nope/json',
    );
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe('application/json');
    expect(json(missing)).toEqual({ message: 'No such container: nope' });
    const badName = await request(
      sim.url,
      'POST',
      '/containers/create?name=bad%20name',
      { Image: 'nginx' },
    );
    expect(badName.status).toBe(400);
    expect(json(badName).message).toBe(
      'Invalid container name (bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed',
    );
    const badHealth = await request(
      sim.url,
      'POST',
      '/containers/create?name=h1',
      {
        Image: 'nginx',
        Healthcheck: { Test: ['CMD', 'true'], Interval: 1000 },
      },
    );
    expect(json(badHealth)).toEqual({
      message: 'Interval in Healthcheck cannot be less than 1ms',
    });
    const badPolicy = await request(
      sim.url,
      'POST',
      '/containers/create?name=p1',
      { Image: 'nginx', HostConfig: { RestartPolicy: { Name: 'sometimes' } } },
    );
    expect(badPolicy.status).toBe(400);
    const filter = await request(
      sim.url,
      'GET',
      `/containers/json?filters=${encodeURIComponent(
        '{"status":["sleeping"]}',
      )}`,
    );
    expect(filter.status).toBe(400);
    expect(json(filter)).toEqual({
      message: "invalid filter 'status=sleeping'",
    });
  });

  it('streams pull progress lines and answers 404 for an unknown repository', async () => {
    const pull = await request(
      sim.url,
      'POST',
      '/images/create?fromImage=busybox&tag=latest',
    );
    expect(pull.status).toBe(200);
    const lines = pull.body
      .toString()
      .trim()
      .split('\r\n')
      .map(l => JSON.parse(l));
    expect(lines[0]).toEqual({
      status: 'Pulling from library/busybox',
      id: 'latest',
    });
    expect(
      lines.some(l => l.status === 'Downloading' && l.progressDetail.total > 0),
    ).toBe(true);
    expect(lines.at(-1)).toEqual({
      status: 'Status: Downloaded newer image for busybox:latest',
    });
    const unknown = await request(
      sim.url,
      'POST',
      '/images/create?fromImage=nobody%2Fnothing&tag=1',
    );
    expect(unknown.status).toBe(404);
    expect(json(unknown).message).toMatch(
      /^pull access denied for nobody\/nothing/,
    );
    const inspect = await request(
      sim.url,
      'GET',
      '/images/busybox:latest/json',
    );
    expect(json(inspect).RepoTags).toEqual(['busybox:latest']);
  });

  it('serves logs as 8-byte multiplexed frames unless Tty', async () => {
    const created = json(
      await request(sim.url, 'POST', '/containers/create?name=frames', {
        Image: 'nginx',
        ExposedPorts: { '80/tcp': {} },
        HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '' }] } },
      }),
    );
    expect(
      (await request(sim.url, 'POST', `/containers/${created.Id}/start`))
        .status,
    ).toBe(204);
    expect(
      (await request(sim.url, 'POST', `/containers/${created.Id}/start`))
        .status,
    ).toBe(304);
    sim.engine.log(sim.engine.findContainer('frames'), 1, 'to stdout');
    const logs = await request(
      sim.url,
      'GET',
      '/v1.43/containers/frames/logs?stdout=1&stderr=1',
    );
    expect(logs.headers['content-type']).toBe(
      'application/vnd.docker.multiplexed-stream',
    );
    const frames: Array<[number, string]> = [];
    for (let o = 0; o < logs.body.length; ) {
      const len = logs.body.readUInt32BE(o + 4);
      expect(logs.body.subarray(o + 1, o + 4)).toEqual(Buffer.from([0, 0, 0]));
      frames.push([
        logs.body[o],
        logs.body.subarray(o + 8, o + 8 + len).toString(),
      ]);
      o += 8 + len;
    }
    expect(frames).toContainEqual([1, 'to stdout\n']);
    expect(
      frames.some(
        ([s, t]) =>
          s === 2 && t.startsWith('lab-http: listening on 127.0.0.1:'),
      ),
    ).toBe(true);
    const none = await request(sim.url, 'GET', '/containers/frames/logs');
    expect(json(none)).toEqual({
      message: 'Bad parameters: you must choose at least one stream',
    });

    const tty = json(
      await request(sim.url, 'POST', '/containers/create?name=tty', {
        Image: 'nginx',
        Tty: true,
      }),
    );
    await request(sim.url, 'POST', `/containers/${tty.Id}/start`);
    const raw = await request(
      sim.url,
      'GET',
      `/containers/${tty.Id}/logs?stdout=true&stderr=true`,
    );
    expect(raw.headers['content-type']).toBe(
      'application/vnd.docker.raw-stream',
    );
    expect(raw.body.toString()).toMatch(/^lab: started nginx as tty\n$/);
  });

  it('replays events between since and until', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const c = json(
      await request(sim.url, 'POST', '/containers/create?name=evented', {
        Image: 'nginx',
      }),
    );
    await request(sim.url, 'POST', `/containers/${c.Id}/start`);
    await request(sim.url, 'POST', `/containers/${c.Id}/kill`);
    const again = await request(sim.url, 'POST', `/containers/${c.Id}/kill`);
    expect(again.status).toBe(409);
    await request(sim.url, 'DELETE', `/containers/${c.Id}`);
    const until = Math.ceil(Date.now() / 1000);
    const filters = encodeURIComponent(
      JSON.stringify({ container: ['evented'] }),
    );
    const events = await request(
      sim.url,
      'GET',
      `/events?since=${since}&until=${until}&filters=${filters}`,
    );
    const actions = events.body
      .toString()
      .trim()
      .split('\n')
      .map(l => JSON.parse(l).Action);
    expect(actions).toEqual(['create', 'start', 'kill', 'die', 'destroy']);
  });

  it('reports an OOM kill as oom then die 137, OOMKilled in the inspect, and restarts by the policy', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const c = json(
      await request(sim.url, 'POST', '/containers/create?name=oomy', {
        Image: 'nginx',
        HostConfig: {
          RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 1 },
        },
      }),
    );
    await request(sim.url, 'POST', `/containers/${c.Id}/start`);
    expect(
      (await request(sim.url, 'POST', `/_lab/containers/${c.Id}/oom`)).status,
    ).toBe(204);
    const inspect = json(
      await request(sim.url, 'GET', `/containers/${c.Id}/json`),
    );
    expect(inspect.State).toEqual(
      expect.objectContaining({ OOMKilled: true, ExitCode: 137 }),
    );
    // the policy restarts it after dockerd's first back-off (100 ms)
    await new Promise(r => setTimeout(r, 300));
    const again = json(
      await request(sim.url, 'GET', `/containers/${c.Id}/json`),
    );
    expect(again.State.Running).toBe(true);
    expect(again.RestartCount).toBe(1);
    const filters = encodeURIComponent(JSON.stringify({ container: ['oomy'] }));
    const until = Math.ceil(Date.now() / 1000);
    const events = await request(
      sim.url,
      'GET',
      `/events?since=${since}&until=${until}&filters=${filters}`,
    );
    const lines = events.body
      .toString()
      .trim()
      .split('\n')
      .map(l => JSON.parse(l));
    expect(lines.map(l => l.Action)).toEqual([
      'create',
      'start',
      'oom',
      'die',
      'start',
    ]);
    expect(lines[3].Actor.Attributes.exitCode).toBe('137');
    await request(sim.url, 'DELETE', `/containers/${c.Id}?force=true`);
  });

  it('exposes its state and the lab control', async () => {
    const state = json(await request(sim.url, 'GET', '/_lab/state'));
    expect(state.images.map((i: any) => i.RepoTags[0])).toContain(
      'nginx:latest',
    );
    await request(sim.url, 'POST', '/_lab/faults', {
      operation: 'docker.container.create',
      action: { kind: 'fail', status: 500, reason: 'lab says no' },
    });
    const failed = await request(
      sim.url,
      'POST',
      '/containers/create?name=ff',
      { Image: 'nginx' },
    );
    expect(failed.status).toBe(500);
    expect(json(failed)).toEqual({ message: 'lab says no' });
    await request(sim.url, 'POST', '/_lab/reset');
  });
});

describe('GuestFleet (Portainer agent + Docker engine per guest)', () => {
  const vmid = 7411;
  const ip = guestIpForVmid(vmid);
  const fleet = new GuestFleet({ latencyScale: 0 });
  afterAll(() => fleet.stopAll());

  it('serves nothing for a guest without Docker until it is installed', async () => {
    await fleet.start({
      vmid,
      hostname: 'bare',
      ip,
      dockerPreinstalled: false,
    });
    await expect(request(`http://${ip}:9001`, 'GET', '/ping')).rejects.toThrow(
      /ECONNREFUSED/,
    );
    await fleet.installDocker(vmid);
    expect((await request(`http://${ip}:9001`, 'GET', '/ping')).status).toBe(
      204,
    );
  });

  it('answers the agent ping with 204 and the Portainer-Agent header, and proxies the Docker API', async () => {
    const ping = await request(`http://${ip}:9001`, 'GET', '/ping');
    expect(ping.status).toBe(204);
    expect(ping.headers['portainer-agent']).toBe('2.27.9');
    expect(ping.body.length).toBe(0);
    const info = json(await request(`http://${ip}:9001`, 'GET', '/v1.41/info'));
    expect(info).toMatchObject({
      Name: 'bare',
      ContainersRunning: 1,
      OSType: 'linux',
    });
    const engineInfo = json(await request(`http://${ip}:2375`, 'GET', '/info'));
    expect(engineInfo.ID).toBe(info.ID);
    fleet.control.injectFault({
      operation: 'agent.ping',
      action: { kind: 'fail', status: 503 },
    });
    expect((await request(`http://${ip}:9001`, 'GET', '/ping')).status).toBe(
      503,
    );
    fleet.control.reset();
  });

  it('stops listening while the guest is stopped', async () => {
    await fleet.stop(vmid);
    await expect(request(`http://${ip}:9001`, 'GET', '/ping')).rejects.toThrow(
      /ECONNREFUSED/,
    );
    await expect(request(`http://${ip}:2375`, 'GET', '/_ping')).rejects.toThrow(
      /ECONNREFUSED/,
    );
    expect(fleet.state.guests[0]).toMatchObject({
      vmid,
      running: false,
      listening: false,
    });
    await fleet.start({
      vmid,
      hostname: 'bare',
      ip,
      dockerPreinstalled: false,
    });
    expect((await request(`http://${ip}:2375`, 'GET', '/_ping')).status).toBe(
      200,
    );
  });
});
