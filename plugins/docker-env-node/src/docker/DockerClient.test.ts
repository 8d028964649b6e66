import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DockerEngineSimulator } from '@docker-env/lab';
import { UpstreamApiError } from '../errors';
import { DockerClient } from './DockerClient';

import { useLabEngine } from '@docker-env/lab-testing/clients/labEngine';
import { rejection } from '@docker-env/lab-testing/clients/promises';

describe('DockerClient against the lab engine', () => {
  const lab = useLabEngine();

  it('is built from app-config (dockerEnv.docker) with the guest address from the caller', async () => {
    const config = new ConfigReader({
      dockerEnv: {
        docker: {
          kind: 'tcp',
          port: lab.sim.port,
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
    await expect(lab.client.ping()).resolves.toBeUndefined();
  });

  it('pulls a known image and reports a pull error carried inside the stream', async () => {
    await expect(
      lab.client.pullImage('traefik/whoami:latest'),
    ).resolves.toEqual({
      status: 'Status: Downloaded newer image for traefik/whoami:latest',
    });
    await expect(lab.client.pullImage('traefik/whoami')).resolves.toEqual({
      status: 'Status: Image is up to date for traefik/whoami:latest',
    });
    lab.sim.control.injectFault({
      operation: 'docker.image.pull',
      action: { kind: 'fail', status: 500, reason: 'unexpected EOF' },
    });
    const err = await rejection(lab.client.pullImage('redis:7'));
    expect(err).toBeInstanceOf(UpstreamApiError);
    expect(err.system).toBe('docker');
    expect(err.message).toContain('unexpected EOF');
    expect(lab.sim.engine.findImage('redis:7')).toBeUndefined();
  });

  it('maps an unknown repository to 404 and a missing tag to 404 manifest unknown', async () => {
    const err = await rejection(lab.client.pullImage('acme/does-not-exist:1'));
    expect(err).toBeInstanceOf(UpstreamApiError);
    expect(err.status).toBe(404);
    expect(err.reason).toMatch(
      /^pull access denied for acme\/does-not-exist, repository does not exist/,
    );
    const tagErr = await rejection(lab.client.pullImage('nginx:0.0.0-nope'));
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
    const before = lab.sim.control.describe().calls;
    await expect(
      lab.client.createContainer({ name: 'x', image: 'nginx' }),
    ).rejects.toThrow(InputError);
    await expect(
      lab.client.createContainer({ name: 'bad name', image: 'nginx' }),
    ).rejects.toThrow(/^name: must match/);
    await expect(
      lab.client.createContainer({
        name: 'web',
        image: 'nginx:latest"; rm -rf /',
      }),
    ).rejects.toThrow(/^image: must be an image reference/);
    await expect(
      lab.client.createContainer({ name: 'web', image: 'NGINX' }),
    ).rejects.toThrow(/^image:/);
    await expect(
      lab.client.createContainer({
        name: 'web',
        image: 'nginx',
        env: { 'A-B': '1' },
      }),
    ).rejects.toThrow(/^env\.A-B: must be an environment variable name/);
    await expect(
      lab.client.createContainer({
        name: 'web',
        image: 'nginx',
        labels: { 'bad key!': 'x' },
      }),
    ).rejects.toThrow(/^labels\.bad key!: must be a label key/);
    await expect(lab.client.pullImage('nginx latest')).rejects.toThrow(
      /^image:/,
    );
    await expect(lab.client.inspect('../etc/passwd')).rejects.toThrow(
      /^container:/,
    );
    await expect(lab.client.rename('web', '/x')).rejects.toThrow(/^newName:/);
    await expect(
      lab.client.listContainers({ labels: { 'a\nb': 'x' } }),
    ).rejects.toThrow(InputError);
    expect(lab.sim.control.describe().calls).toEqual(before);
  });

  it('runs a container lifecycle with the engine status codes', async () => {
    const { id } = await lab.client.createContainer({
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
      lab.client.createContainer({ name: 'web-1', image: 'nginx:latest' }),
    );
    expect(conflict.status).toBe(409);
    expect(conflict.reason).toBe(
      `Conflict. The container name "/web-1" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`,
    );
    const noImage = await rejection(
      lab.client.createContainer({ name: 'web-2', image: 'postgres:16' }),
    );
    expect(noImage.status).toBe(404);
    expect(noImage.reason).toBe('No such image: postgres:16');

    expect(await lab.client.start('web-1')).toEqual({ alreadyRunning: false });
    expect(await lab.client.start('web-1')).toEqual({ alreadyRunning: true });
    const details = await lab.client.inspect('web-1');
    // env values are often secrets: only their names unless asked for
    expect(details.env).toBeUndefined();
    expect(details.envKeys).toEqual(
      expect.arrayContaining(['GREETING', 'SECRET_TOKEN']),
    );
    expect(JSON.stringify(details)).not.toContain('not-in-url');
    expect(
      (await lab.client.inspect('web-1', { includeEnv: true })).env,
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

    const listed = await lab.client.listContainers({
      labels: { 'docker-env.environment': 'alpha' },
    });
    expect(listed.map(c => c.name)).toEqual(['web-1']);
    expect(listed[0].status).toMatch(/^Up /);
    expect(
      await lab.client.listContainers({
        labels: { 'docker-env.environment': 'beta' },
      }),
    ).toEqual([]);
    expect((await lab.client.listContainers({ name: 'web-1' })).length).toBe(1);

    const running = await rejection(lab.client.remove('web-1'));
    expect(running.status).toBe(409);
    expect(running.reason).toBe(
      'cannot remove container "/web-1": container is running: stop the container before removing or force remove',
    );

    expect(await lab.client.stop('web-1', { timeoutSeconds: 1 })).toEqual({
      alreadyStopped: false,
    });
    expect(await lab.client.stop('web-1')).toEqual({ alreadyStopped: true });
    expect(
      await lab.client.listContainers({
        labels: { 'docker-env.environment': 'alpha' },
      }),
    ).toEqual([]);
    const all = await lab.client.listContainers({
      all: true,
      labels: { 'docker-env.environment': 'alpha' },
    });
    expect(all[0].state).toBe('exited');
    await expect(fetch(`http://127.0.0.1:${port.hostPort}/`)).rejects.toThrow();

    await lab.client.restart('web-1');
    expect((await lab.client.inspect(id)).state.running).toBe(true);

    await lab.client.createContainer({
      name: 'web-old',
      image: 'busybox:latest',
    });
    const renameConflict = await rejection(
      lab.client.rename('web-1', 'web-old'),
    );
    expect(renameConflict.status).toBe(409);
    await lab.client.remove('web-old');
    await lab.client.rename('web-1', 'web-old');
    expect((await lab.client.inspect(id)).name).toBe('web-old');

    await lab.client.remove('web-old', { force: true });
    const gone = await rejection(lab.client.inspect(id));
    expect(gone).toBeInstanceOf(UpstreamApiError);
    expect(gone.status).toBe(404);
    expect(gone.reason).toBe(`No such container: ${id}`);
    expect(gone.isNotFound).toBe(true);
  });
});
