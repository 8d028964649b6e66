import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { UpstreamApiError } from '../errors';
import { DockerClient } from './DockerClient';
import type { DockerEventMessage } from './types';

// A real Docker-API engine: podman's API service, started by `scripts/services/podman.sh start`
// (source .tools/services/podman.env). Containers use the host network and run ONE program,
// busybox httpd on 127.0.0.1, from a local image made of busybox-static (no registry).
const socket = process.env.DOCKER_ENV_TEST_PODMAN_SOCKET;
const image =
  process.env.DOCKER_ENV_TEST_PODMAN_IMAGE ??
  'localhost/docker-env-busybox:latest';
const describeReal = socket ? describe : describe.skip;

async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** podman runs health checks from systemd timers; without systemd the test runs one check the way the timer would. */
async function runPodmanHealthcheck(name: string) {
  const state = path.dirname(socket!);
  await promisify(execFile)('podman', ['healthcheck', 'run', name], {
    env: {
      ...process.env,
      CONTAINERS_CONF: path.join(state, 'containers.conf'),
      CONTAINERS_STORAGE_CONF: path.join(state, 'storage.conf'),
      CONTAINERS_REGISTRIES_CONF: path.join(state, 'registries.conf'),
    },
    timeout: 20_000,
  }).catch(() => undefined); // exit 1 = unhealthy, which the test reads back through the API
}

describeReal('DockerClient against a real engine (podman)', () => {
  jest.setTimeout(60_000);
  const client = socket
    ? new DockerClient(
        { kind: 'socket', socketPath: socket },
        { timeoutMs: 30_000 },
      )
    : undefined!;
  const prefix = `dec-test-${process.pid}`;
  const port = 18300 + (process.pid % 200);
  const httpd = (p: number) => [
    '/bin/busybox',
    'httpd',
    '-f',
    '-v',
    '-p',
    `127.0.0.1:${p}`,
    '-h',
    '/www',
  ];

  afterAll(async () => {
    for (const c of await client.listContainers({
      all: true,
      labels: { 'docker-env.test': prefix },
    })) {
      await client.remove(c.id, { force: true }).catch(() => undefined);
    }
  });

  it('pings', async () => {
    await expect(client.ping()).resolves.toBeUndefined();
  });

  it('reports a failing pull (registry unreachable on loopback) as UpstreamApiError', async () => {
    const err = await rejection(client.pullImage('127.0.0.1:1/nothing/here:1'));
    expect(err).toBeInstanceOf(UpstreamApiError);
    expect(err.system).toBe('docker');
    expect(err.message).toMatch(/127\.0\.0\.1:1/);
  });

  it('runs the container lifecycle with the real status codes', async () => {
    const name = `${prefix}-web`;
    const { id } = await client.createContainer({
      name,
      image,
      cmd: httpd(port),
      networkMode: 'host',
      env: { GREETING: 'hello' },
      labels: { 'docker-env.test': prefix, 'docker-env.role': 'web' },
      restartPolicy: 'no',
      memoryBytes: 64 * 1024 * 1024,
    });
    expect(id).toMatch(/^[a-f0-9]{64}$/);
    const conflict = await rejection(
      client.createContainer({
        name,
        image,
        cmd: httpd(port),
        networkMode: 'host',
      }),
    );
    // dockerd answers 409; podman 4.3's compat API answers 500 with the same "already in use" cause
    expect([409, 500]).toContain(conflict.status);
    expect(conflict.reason).toMatch(/already in use/);
    const noImage = await rejection(
      client.createContainer({
        name: `${prefix}-x`,
        image: 'localhost/absent-image:1',
        networkMode: 'host',
      }),
    );
    expect(noImage.status).toBe(404);

    expect(await client.start(name)).toEqual({ alreadyRunning: false });
    expect(await client.start(name)).toEqual({ alreadyRunning: true });
    const details = await client.inspect(name);
    expect(details).toMatchObject({
      id,
      name,
      state: { status: 'running', running: true },
    });
    expect(details.envKeys).toContain('GREETING');
    expect(details.env).toBeUndefined();
    expect(
      (await client.inspect(name, { includeEnv: true })).env,
    ).toMatchObject({ GREETING: 'hello' });
    expect(details.labels['docker-env.role']).toBe('web');

    let res: Response | undefined;
    for (let i = 0; i < 50 && !res; i++) {
      res = await fetch(`http://127.0.0.1:${port}/index.html`).catch(
        () => undefined,
      );
      if (!res) await new Promise(r => setTimeout(r, 100));
    }
    expect(res?.status).toBe(200);

    const listed = await client.listContainers({
      labels: { 'docker-env.test': prefix, 'docker-env.role': 'web' },
    });
    expect(listed.map(c => c.name)).toEqual([name]);
    expect(
      await client.listContainers({
        labels: { 'docker-env.test': prefix, 'docker-env.role': 'nope' },
      }),
    ).toEqual([]);

    // the server writes its access line after answering, and the engine's log file gets it a moment later
    let logs = await client.logs(name);
    for (let i = 0; i < 50 && !/response:200/.test(logs.stderr); i++) {
      await new Promise(r => setTimeout(r, 100));
      logs = await client.logs(name);
    }
    expect(logs.stderr).toMatch(/127\.0\.0\.1:\d+: response:200/);
    expect(logs.stdout).not.toMatch(/response:200/);

    const stats = await client.stats(name);
    expect(stats.memoryUsageBytes).toBeGreaterThan(0);
    expect(stats.cpuPercent).toBeGreaterThanOrEqual(0);

    const running = await rejection(client.remove(name));
    // dockerd: 409; podman 4.3: 500 - both say the container is running
    expect([409, 500]).toContain(running.status);
    expect(running.reason).toMatch(/running/);

    expect(await client.stop(name, { timeoutSeconds: 1 })).toEqual({
      alreadyStopped: false,
    });
    expect(await client.stop(name)).toEqual({ alreadyStopped: true });
    expect((await client.inspect(name)).state.running).toBe(false);

    await client.rename(name, `${name}-renamed`);
    expect((await client.inspect(id)).name).toBe(`${name}-renamed`);
    await client.remove(id);
    const gone = await rejection(client.inspect(id));
    expect(gone.status).toBe(404);
    expect(gone.reason).toMatch(/no such container/i);
  });

  it('reads health as the engine reports it and streams events', async () => {
    const events: DockerEventMessage[] = [];
    const sub = await client.subscribeEvents(e => events.push(e), {
      types: ['container'],
    });
    const good = `${prefix}-good`;
    const sick = `${prefix}-sick`;
    try {
      const check = (p: number, file: string) => ({
        test: [
          'CMD',
          '/bin/busybox',
          'wget',
          '-q',
          '-O',
          '/dev/null',
          `http://127.0.0.1:${p}/${file}`,
        ],
        intervalMs: 60_000,
        retries: 1,
      });
      await client.createContainer({
        name: good,
        image,
        cmd: httpd(port + 1),
        networkMode: 'host',
        healthcheck: check(port + 1, 'health'),
        labels: { 'docker-env.test': prefix },
      });
      await client.createContainer({
        name: sick,
        image,
        cmd: httpd(port + 2),
        networkMode: 'host',
        healthcheck: check(port + 2, 'missing'),
        labels: { 'docker-env.test': prefix },
      });
      await client.start(good);
      await client.start(sick);
      expect((await client.inspect(good)).health?.status).toBe('starting');
      await new Promise(r => setTimeout(r, 300));
      await runPodmanHealthcheck(good);
      await runPodmanHealthcheck(sick);
      const healthy = await client.waitForHealthy(good, {
        tries: 20,
        intervalMs: 100,
      });
      expect(healthy.health?.status).toBe('healthy');
      const err = await rejection(
        client.waitForHealthy(sick, { tries: 20, intervalMs: 100 }),
      );
      expect(err).toBeInstanceOf(UpstreamApiError);
      expect(err.reason).toBe('unhealthy');
      for (
        let i = 0;
        i < 50 &&
        !events.some(e => e.action === 'start' && e.attributes.name === good);
        i++
      ) {
        await new Promise(r => setTimeout(r, 100));
      }
      expect(
        events.filter(e => e.attributes.name === good).map(e => e.action),
      ).toEqual(expect.arrayContaining(['create', 'start']));
    } finally {
      sub.close();
      await client.remove(good, { force: true }).catch(() => undefined);
      await client.remove(sick, { force: true }).catch(() => undefined);
    }
  });
});
