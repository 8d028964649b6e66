import { GuestFleet, guestIpForVmid } from '@docker-env/lab';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpstreamApiError } from '../errors';
import { DockerClient } from './DockerClient';
import { rejection } from '@docker-env/lab-testing/clients/promises';

describe('DockerClient against a lab guest (agent + engine)', () => {
  const vmid = 7301;
  const ip = guestIpForVmid(vmid);
  let fleet: GuestFleet;
  let client: DockerClient;

  beforeAll(async () => {
    fleet = new GuestFleet({ latencyScale: 0 });
    await fleet.start({
      vmid,
      hostname: 'env-alpha',
      ip,
      dockerPreinstalled: true,
    });
    client = new DockerClient(
      { kind: 'tcp', host: ip, port: 2375, allowInsecure: true },
      { timeoutMs: 3000 },
    );
  });
  afterAll(async () => {
    await fleet.stopAll();
  });

  it('answers the agent ping and proxies the Docker API through the agent', async () => {
    const ping = await fetch(`http://${ip}:9001/ping`);
    expect(ping.status).toBe(204);
    expect(ping.headers.get('portainer-agent')).toBe('2.27.9');
    const viaAgent = new DockerClient({
      kind: 'tcp',
      host: ip,
      port: 9001,
      allowInsecure: true,
    });
    const list = await viaAgent.listContainers();
    expect(list.map(c => c.name)).toEqual(['portainer_agent']);
  });

  it('refuses connections while the guest is stopped and restarts containers by policy', async () => {
    await client.pullImage('nginx:latest');
    await client.createContainer({
      name: 'always',
      image: 'nginx:latest',
      restartPolicy: 'always',
      ports: [{ containerPort: 80, hostPort: 18080 }],
    });
    await client.createContainer({ name: 'once', image: 'nginx:latest' });
    await client.createContainer({
      name: 'manual',
      image: 'nginx:latest',
      restartPolicy: 'unless-stopped',
    });
    for (const n of ['always', 'once', 'manual']) await client.start(n);
    await client.stop('manual');
    expect((await fetch(`http://${ip}:18080/`)).status).toBe(200);

    await fleet.stop(vmid);
    // a kept-alive socket is reset by the shutdown; new connections are refused
    const reset = await rejection(client.ping());
    expect(['ECONNRESET', 'ECONNREFUSED']).toContain(reset.reason);
    const refused = await rejection(client.ping());
    expect(refused).toBeInstanceOf(UpstreamApiError);
    expect(refused.status).toBeUndefined();
    expect(refused.reason).toBe('ECONNREFUSED');
    await expect(fetch(`http://${ip}:9001/ping`)).rejects.toThrow();
    await expect(fetch(`http://${ip}:18080/`)).rejects.toThrow();

    await fleet.start({
      vmid,
      hostname: 'env-alpha',
      ip,
      dockerPreinstalled: true,
    });
    await client.ping();
    expect((await client.inspect('always')).state.running).toBe(true);
    expect((await client.inspect('once')).state).toMatchObject({
      running: false,
      status: 'exited',
    });
    expect((await client.inspect('manual')).state.running).toBe(false);
    expect((await client.inspect('portainer_agent')).state.running).toBe(true);
    expect((await fetch(`http://${ip}:18080/`)).status).toBe(200);
  });

  it('forgets everything when the guest is destroyed', async () => {
    await fleet.destroy(vmid);
    await expect(client.ping()).rejects.toThrow(UpstreamApiError);
    await fleet.start({
      vmid,
      hostname: 'env-alpha',
      ip,
      dockerPreinstalled: true,
    });
    expect(
      (await client.listContainers({ all: true })).map(c => c.name),
    ).toEqual(['portainer_agent']);
  });
});

describe('DockerClient pull over a cut connection', () => {
  it('fails (never resolves as a success) when the progress stream is cut mid-pull', async () => {
    const server = http.createServer((req, res) => {
      expect(req.url).toMatch(/^\/images\/create\?fromImage=nginx&tag=latest$/);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(
        `${JSON.stringify({
          status: 'Pulling from library/nginx',
          id: 'latest',
        })}\n`,
      );
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    try {
      const client = new DockerClient(
        {
          kind: 'tcp',
          host: '127.0.0.1',
          port: (server.address() as AddressInfo).port,
          allowInsecure: true,
        },
        { timeoutMs: 5000 },
      );
      const err = await rejection(client.pullImage('nginx'));
      expect(err).toBeInstanceOf(UpstreamApiError);
      expect(err).toMatchObject({
        system: 'docker',
        operation: 'POST /images/create',
      });
    } finally {
      await new Promise(r => server.close(r));
    }
  });
});
