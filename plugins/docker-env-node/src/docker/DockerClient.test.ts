import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DockerEngineSimulator } from '@docker-env/lab';
import { UpstreamApiError } from '../errors';
import { DockerClient } from './DockerClient';
import type { DockerEventMessage } from './types';

import { eventually, rejection } from './__testUtils__/promises';

describe('DockerClient against the lab engine', () => {
  let sim: DockerEngineSimulator;
  let client: DockerClient;

  beforeAll(async () => {
    sim = await DockerEngineSimulator.start({
      latencyScale: 0,
      images: ['nginx:latest', 'busybox:latest'],
    });
    client = new DockerClient(
      { kind: 'tcp', host: '127.0.0.1', port: sim.port, allowInsecure: true },
      { timeoutMs: 5000 },
    );
  });
  afterAll(async () => {
    await sim.stop();
  });
  afterEach(() => sim.control.reset());

  it('is built from app-config (dockerEnv.docker) with the guest address from the caller', async () => {
    const config = new ConfigReader({
      dockerEnv: {
        docker: {
          kind: 'tcp',
          port: sim.port,
          timeoutMs: 2000,
          allowInsecure: true,
        },
      },
    });
    await expect(
      DockerClient.fromConfig(config, { host: '127.0.0.1' }).ping(),
    ).resolves.toBeUndefined();
    expect(() => DockerClient.fromConfig(config)).toThrow(/^host: is required/);
    expect(() => DockerClient.fromConfig(config, { host: 'bad host' })).toThrow(
      /^connection\.host:/,
    );
    // plain tcp only with allowInsecure, and only towards loopback
    expect(() =>
      DockerClient.fromConfig(
        new ConfigReader({ dockerEnv: { docker: { kind: 'tcp' } } }),
        { host: '127.0.0.1' },
      ),
    ).toThrow(/^connection\.allowInsecure: tcp is plain text/);
    expect(() => DockerClient.fromConfig(config, { host: '10.0.0.5' })).toThrow(
      /^connection\.allowInsecure: only allowed for loopback hosts/,
    );
    // the default kind goes through Portainer's Docker proxy and needs the environment id
    const viaPortainer = new ConfigReader({
      dockerEnv: {
        portainer: {
          baseUrl: 'https://portainer.example.com',
          apiKey: 'ptr_x1234567',
        },
      },
    });
    expect(() => DockerClient.fromConfig(viaPortainer)).toThrow(
      /^endpointId: is required/,
    );
    expect(
      DockerClient.fromConfig(viaPortainer, { endpointId: 3 }),
    ).toBeInstanceOf(DockerClient);
    expect(() =>
      DockerClient.fromConfig(
        new ConfigReader({
          dockerEnv: {
            portainer: {
              baseUrl: 'http://10.0.0.2:9000',
              apiKey: 'ptr_x1234567',
            },
          },
        }),
        { endpointId: 3 },
      ),
    ).toThrow(/^dockerEnv\.portainer\.baseUrl: plain http/);
    const ssh = new ConfigReader({
      dockerEnv: {
        docker: { kind: 'ssh' },
        ssh: { username: 'deploy', privateKey: 'k' },
      },
    });
    expect(() => DockerClient.fromConfig(ssh, { host: '127.0.0.1' })).toThrow(
      /^connection\.hostKeySha256: is required/,
    );
  });

  it('pings', async () => {
    await expect(client.ping()).resolves.toBeUndefined();
  });

  it('pulls a known image and reports a pull error carried inside the stream', async () => {
    await expect(client.pullImage('traefik/whoami:latest')).resolves.toEqual({
      status: 'Status: Downloaded newer image for traefik/whoami:latest',
    });
    await expect(client.pullImage('traefik/whoami')).resolves.toEqual({
      status: 'Status: Image is up to date for traefik/whoami:latest',
    });
    sim.control.injectFault({
      operation: 'docker.image.pull',
      action: { kind: 'fail', status: 500, reason: 'unexpected EOF' },
    });
    const err = await rejection(client.pullImage('redis:7'));
    expect(err).toBeInstanceOf(UpstreamApiError);
    expect(err.system).toBe('docker');
    expect(err.message).toContain('unexpected EOF');
    expect(sim.engine.findImage('redis:7')).toBeUndefined();
  });

  it('maps an unknown repository to 404 and a missing tag to 404 manifest unknown', async () => {
    const err = await rejection(client.pullImage('acme/does-not-exist:1'));
    expect(err).toBeInstanceOf(UpstreamApiError);
    expect(err.status).toBe(404);
    expect(err.reason).toMatch(
      /^pull access denied for acme\/does-not-exist, repository does not exist/,
    );
    const tagErr = await rejection(client.pullImage('nginx:0.0.0-nope'));
    expect(tagErr.status).toBe(404);
    expect(tagErr.reason).toBe(
      'manifest for nginx:0.0.0-nope not found: manifest unknown: manifest unknown',
    );
  });

  it('sends registry credentials in X-Registry-Auth and never in the error message', async () => {
    const registry = await DockerEngineSimulator.start({
      latencyScale: 0,
      registry: [
        {
          ref: 'registry.example.com/team/app:1.0',
          auth: { username: 'deploy', password: 's3cret-pw' },
        },
      ],
    });
    try {
      const c = new DockerClient({
        kind: 'tcp',
        host: '127.0.0.1',
        port: registry.port,
        allowInsecure: true,
      });
      const denied = await rejection(
        c.pullImage('registry.example.com/team/app:1.0', {
          username: 'deploy',
          password: 'wrong-pw',
        }),
      );
      expect(denied.status).toBe(500);
      expect(denied.reason).toContain('unauthorized: authentication required');
      expect(denied.message).not.toContain('wrong-pw');
      await c.pullImage('registry.example.com/team/app:1.0', {
        username: 'deploy',
        password: 's3cret-pw',
        serveraddress: 'registry.example.com',
      });
      expect(registry.state.pulls.at(-1)).toEqual({
        image: 'registry.example.com/team/app:1.0',
        auth: { username: 'deploy', serveraddress: 'registry.example.com' },
        ok: true,
      });
    } finally {
      await registry.stop();
    }
  });

  it('refuses bad input before any request', async () => {
    const before = sim.control.describe().calls;
    await expect(
      client.createContainer({ name: 'x', image: 'nginx' }),
    ).rejects.toThrow(InputError);
    await expect(
      client.createContainer({ name: 'bad name', image: 'nginx' }),
    ).rejects.toThrow(/^name: must match/);
    await expect(
      client.createContainer({ name: 'web', image: 'nginx:latest"; rm -rf /' }),
    ).rejects.toThrow(/^image: must be an image reference/);
    await expect(
      client.createContainer({ name: 'web', image: 'NGINX' }),
    ).rejects.toThrow(/^image:/);
    await expect(
      client.createContainer({
        name: 'web',
        image: 'nginx',
        env: { 'A-B': '1' },
      }),
    ).rejects.toThrow(/^env\.A-B: must be an environment variable name/);
    await expect(
      client.createContainer({
        name: 'web',
        image: 'nginx',
        labels: { 'bad key!': 'x' },
      }),
    ).rejects.toThrow(/^labels\.bad key!: must be a label key/);
    await expect(client.pullImage('nginx latest')).rejects.toThrow(/^image:/);
    await expect(client.inspect('../etc/passwd')).rejects.toThrow(
      /^container:/,
    );
    await expect(client.rename('web', '/x')).rejects.toThrow(/^newName:/);
    await expect(
      client.listContainers({ labels: { 'a\nb': 'x' } }),
    ).rejects.toThrow(InputError);
    expect(sim.control.describe().calls).toEqual(before);
  });

  it('runs a container lifecycle with the engine status codes', async () => {
    const { id } = await client.createContainer({
      name: 'web-1',
      image: 'nginx:latest',
      env: { GREETING: 'hello', SECRET_TOKEN: 'not-in-url' },
      labels: { 'docker-env.environment': 'alpha', 'docker-env.role': 'app' },
      ports: [{ containerPort: 80 }],
      restartPolicy: 'unless-stopped',
      memoryBytes: 64 * 1024 * 1024,
      cpus: 0.5,
    });
    expect(id).toMatch(/^[a-f0-9]{64}$/);
    const conflict = await rejection(
      client.createContainer({ name: 'web-1', image: 'nginx:latest' }),
    );
    expect(conflict.status).toBe(409);
    expect(conflict.reason).toBe(
      `Conflict. The container name "/web-1" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`,
    );
    const noImage = await rejection(
      client.createContainer({ name: 'web-2', image: 'postgres:16' }),
    );
    expect(noImage.status).toBe(404);
    expect(noImage.reason).toBe('No such image: postgres:16');

    expect(await client.start('web-1')).toEqual({ alreadyRunning: false });
    expect(await client.start('web-1')).toEqual({ alreadyRunning: true });
    const details = await client.inspect('web-1');
    // env values are often secrets: only their names unless asked for
    expect(details.env).toBeUndefined();
    expect(details.envKeys).toEqual(
      expect.arrayContaining(['GREETING', 'SECRET_TOKEN']),
    );
    expect(JSON.stringify(details)).not.toContain('not-in-url');
    expect(
      (await client.inspect('web-1', { includeEnv: true })).env,
    ).toMatchObject({ GREETING: 'hello', SECRET_TOKEN: 'not-in-url' });
    expect(details).toMatchObject({
      id,
      name: 'web-1',
      image: 'nginx:latest',
      state: { status: 'running', running: true, exitCode: 0 },
      labels: { 'docker-env.environment': 'alpha' },
      restartPolicy: 'unless-stopped',
      memoryBytes: 64 * 1024 * 1024,
      nanoCpus: 500_000_000,
    });
    expect(details.health).toBeUndefined();
    const port = details.ports.find(p => p.containerPort === 80)!;
    expect(port.hostPort).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${port.hostPort}/anything`);
    expect(res.status).toBe(200);

    const listed = await client.listContainers({
      labels: { 'docker-env.environment': 'alpha' },
    });
    expect(listed.map(c => c.name)).toEqual(['web-1']);
    expect(listed[0].status).toMatch(/^Up /);
    expect(
      await client.listContainers({
        labels: { 'docker-env.environment': 'beta' },
      }),
    ).toEqual([]);
    expect((await client.listContainers({ name: 'web-1' })).length).toBe(1);

    const running = await rejection(client.remove('web-1'));
    expect(running.status).toBe(409);
    expect(running.reason).toBe(
      'cannot remove container "/web-1": container is running: stop the container before removing or force remove',
    );

    expect(await client.stop('web-1', { timeoutSeconds: 1 })).toEqual({
      alreadyStopped: false,
    });
    expect(await client.stop('web-1')).toEqual({ alreadyStopped: true });
    expect(
      await client.listContainers({
        labels: { 'docker-env.environment': 'alpha' },
      }),
    ).toEqual([]);
    const all = await client.listContainers({
      all: true,
      labels: { 'docker-env.environment': 'alpha' },
    });
    expect(all[0].state).toBe('exited');
    await expect(fetch(`http://127.0.0.1:${port.hostPort}/`)).rejects.toThrow();

    await client.restart('web-1');
    expect((await client.inspect(id)).state.running).toBe(true);

    await client.createContainer({ name: 'web-old', image: 'busybox:latest' });
    const renameConflict = await rejection(client.rename('web-1', 'web-old'));
    expect(renameConflict.status).toBe(409);
    await client.remove('web-old');
    await client.rename('web-1', 'web-old');
    expect((await client.inspect(id)).name).toBe('web-old');

    await client.remove('web-old', { force: true });
    const gone = await rejection(client.inspect(id));
    expect(gone).toBeInstanceOf(UpstreamApiError);
    expect(gone.status).toBe(404);
    expect(gone.reason).toBe(`No such container: ${id}`);
    expect(gone.isNotFound).toBe(true);
  });

  it('demultiplexes logs into stdout and stderr', async () => {
    await client.createContainer({
      name: 'logger',
      image: 'nginx:latest',
      ports: [{ containerPort: 80 }],
    });
    await client.start('logger');
    const port = (await client.inspect('logger')).ports[0].hostPort;
    await fetch(`http://127.0.0.1:${port}/hello`);
    const logs = await client.logs('logger');
    expect(logs.stdout).toMatch(/"GET \/hello HTTP\/1\.1" 200/);
    expect(logs.stdout).not.toContain('listening on');
    expect(logs.stderr).toContain(`lab-http: listening on 127.0.0.1:${port}`);
    expect(logs.stderr).not.toContain('GET /hello');
    const onlyOut = await client.logs('logger', {
      stderr: false,
      tail: 1,
      timestamps: true,
    });
    expect(onlyOut.stderr).toBe('');
    expect(onlyOut.stdout).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z .*GET \/hello/,
    );
    expect(onlyOut.stdout.trim().split('\n')).toHaveLength(1);
    await client.remove('logger', { force: true });
  });

  it('computes stats like docker stats', async () => {
    await client.createContainer({
      name: 'busy',
      image: 'nginx:latest',
      memoryBytes: 128 * 1024 * 1024,
      labels: { 'lab.cpu.percent': '50' },
    });
    await client.start('busy');
    await new Promise(r => setTimeout(r, 50));
    await client.stats('busy');
    await new Promise(r => setTimeout(r, 100));
    const stats = await client.stats('busy');
    expect(stats.memoryLimitBytes).toBe(128 * 1024 * 1024);
    expect(stats.memoryUsageBytes).toBeGreaterThan(0);
    expect(stats.memoryPercent).toBeGreaterThan(0);
    expect(stats.cpuPercent).toBeGreaterThan(0);
    await client.remove('busy', { force: true });
  });

  it('waits for a healthy container and fails on an unhealthy one', async () => {
    const events: DockerEventMessage[] = [];
    const sub = await client.subscribeEvents(e => events.push(e), {
      types: ['container'],
      labels: { 'docker-env.test': 'health' },
    });
    try {
      const healthcheck = {
        test: ['CMD', 'curl', '-f', 'http://localhost/health'],
        intervalMs: 20,
        timeoutMs: 500,
        retries: 2,
      };
      await client.createContainer({
        name: 'good',
        image: 'nginx:latest',
        ports: [{ containerPort: 80 }],
        healthcheck,
        labels: { 'docker-env.test': 'health' },
      });
      await client.createContainer({
        name: 'sick',
        image: 'nginx:latest',
        ports: [{ containerPort: 80 }],
        healthcheck,
        labels: { 'docker-env.test': 'health', 'lab.health.status': '503' },
      });
      await client.start('good');
      await client.start('sick');
      expect((await client.inspect('good')).health?.status).toBe('starting');
      const good = await client.waitForHealthy('good', {
        tries: 100,
        intervalMs: 10,
      });
      expect(good.health).toMatchObject({
        status: 'healthy',
        failingStreak: 0,
      });
      expect(good.health!.log[0]).toMatchObject({ exitCode: 0 });
      const err = await rejection(
        client.waitForHealthy('sick', { tries: 100, intervalMs: 10 }),
      );
      expect(err).toBeInstanceOf(UpstreamApiError);
      expect(err.reason).toBe('unhealthy');
      expect(err.message).toContain('returned error: 503');
      const sick = await client.inspect('sick');
      expect(sick.health!.failingStreak).toBeGreaterThanOrEqual(2);

      // the program's behaviour can change at runtime: the healthy one goes unhealthy
      sim.engine.setBehaviour('good', { healthStatus: 500 });
      await eventually(
        () => client.inspect('good'),
        d => d.health?.status === 'unhealthy',
      );
      await eventually(
        () => events,
        list =>
          list.some(
            e =>
              e.action === 'health_status: unhealthy' &&
              e.attributes.name === 'good',
          ),
      );
      expect(events.map(e => `${e.attributes.name}:${e.action}`)).toEqual(
        expect.arrayContaining([
          'good:create',
          'sick:create',
          'good:start',
          'good:health_status: healthy',
          'sick:health_status: unhealthy',
        ]),
      );
    } finally {
      sub.close();
      await client.remove('good', { force: true }).catch(() => undefined);
      await client.remove('sick', { force: true }).catch(() => undefined);
    }
  });

  it('fails waitForHealthy when the container exits', async () => {
    await client.createContainer({
      name: 'crasher',
      image: 'busybox:latest',
      labels: { 'lab.exit.after.ms': '30', 'lab.exit.code': '3' },
      healthcheck: { test: ['CMD-SHELL', 'true'], intervalMs: 60_000 },
    });
    await client.start('crasher');
    const err = await rejection(
      client.waitForHealthy('crasher', { tries: 50, intervalMs: 10 }),
    );
    expect(err.reason).toBe('exited');
    expect(err.message).toContain('exit code 3');
    await client.remove('crasher');
  });

  it('maps injected engine failures to UpstreamApiError with status and message', async () => {
    sim.control.injectFault({
      operation: 'docker.container.list',
      action: {
        kind: 'fail',
        status: 500,
        body: { message: 'lab: daemon busy' },
      },
    });
    const err = await rejection(client.listContainers());
    expect(err).toMatchObject({
      system: 'docker',
      status: 500,
      reason: 'lab: daemon busy',
      operation: 'GET /containers/json',
    });
  });
});
