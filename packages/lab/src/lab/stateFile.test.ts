import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProxmoxContract } from '../contracts';
import { edgeRequest, eventually } from '../edge/testing';
import { guestIpForVmid } from '../core/GuestHost';
import { portainerTestCalls } from '../portainer/testing';
import { pveCall, pveWaitTask } from '../proxmox/testCall';
import { type Lab, startLab } from './startLab';

describe('startLab with a state file', () => {
  const contract = ProxmoxContract.load();
  let dir: string;
  let lab: Lab | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-state-'));
  });
  afterEach(async () => {
    await lab?.stop();
    lab = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function task(l: Lab, method: string, p: string, params = {}) {
    const res = await pveCall(l.proxmox, contract, method, p, params);
    return pveWaitTask(l.proxmox, contract, res.body.data);
  }

  it('brings CTs, their running containers, NetBox and Portainer objects back after a restart', async () => {
    const stateFile = path.join(dir, '.lab-data', 'lab-state.json');
    lab = await startLab({ latencyScale: 0, stateFile, guestIpBlock: 233 });
    await task(lab, 'POST', '/nodes/pve/lxc/9000/clone', {
      newid: 101,
      hostname: 'env-a',
    });
    await task(lab, 'POST', '/nodes/pve/lxc/101/status/start');
    await task(lab, 'POST', '/nodes/pve/lxc/9000/clone', { newid: 102 });
    const engine = lab.guests.engine(101)!;
    engine.createContainer('web', { Image: 'portainer/agent:2.27.9' });
    await engine.startContainer('web');
    engine.createContainer('idle', { Image: 'portainer/agent:2.27.9' });
    lab.netbox.state.tags.push({
      id: 1,
      name: 'docker-env',
      slug: 'docker-env',
      color: '9e9e9e',
      description: '',
      created: '2026-12-01T00:00:00Z',
      last_updated: '2026-12-01T00:00:00Z',
    });
    lab.portainer.state.tags.push({ ID: 4, Name: 'docker-env' });
    const agentUrl = lab.guests.agentUrl(101);
    await lab.stop();
    lab = undefined;
    expect(fs.existsSync(stateFile)).toBe(true);

    lab = await startLab({ latencyScale: 0, stateFile });
    expect(lab.proxmox.container(101)?.status).toBe('running');
    expect(lab.proxmox.container(102)?.status).toBe('stopped');
    expect(lab.proxmox.container(101)?.config.hostname).toBe('env-a');
    expect(lab.guests.agentUrl(101)).toBe(agentUrl);
    const ping = await fetch(`${agentUrl}/ping`);
    expect(ping.status).toBe(204);
    const back = lab.guests.engine(101)!;
    expect(back.findContainer('web').State.Running).toBe(true);
    expect(back.findContainer('idle').State.Running).toBe(false);
    expect(lab.netbox.state.tags.map(t => t.name)).toEqual(['docker-env']);
    expect(lab.portainer.state.tags).toEqual([{ ID: 4, Name: 'docker-env' }]);
  });

  it('keeps tasks, faults, Portainer environments and edge routes: the CT, its containers and route answer after a restart', async () => {
    const stateFile = path.join(dir, '.lab-data', 'lab-state.json');
    const routes = path.join(dir, 'routes');
    fs.mkdirSync(routes);
    const start = () =>
      startLab({
        latencyScale: 0,
        stateFile,
        guestIpBlock: 234,
        edge: { directory: routes },
      });
    lab = await start();
    const clone = await task(lab, 'POST', '/nodes/pve/lxc/9000/clone', {
      newid: 101,
      hostname: 'env-b',
    });
    await task(lab, 'POST', '/nodes/pve/lxc/101/status/start');
    const ip = guestIpForVmid(101, 234);
    const engine = lab.guests.engine(101)!;
    engine.createContainer('web', {
      Image: 'portainer/agent:2.27.9',
      ExposedPorts: { '80/tcp': {} },
      HostConfig: {
        PortBindings: { '80/tcp': [{ HostPort: '8080' }] },
        RestartPolicy: { Name: 'unless-stopped' },
      },
    });
    await engine.startContainer('web');
    fs.writeFileSync(
      path.join(routes, 'env-b.yml'),
      `http:\n  routers:\n    env-b:\n      rule: Host(\`env-b.docker.localhost\`)\n      service: env-b\n  services:\n    env-b:\n      loadBalancer:\n        servers:\n          - url: http://${ip}:8080\n`,
    );
    const portainer = portainerTestCalls(() => lab!.portainer.url);
    const env = await portainer.createEndpoint('env-b', `tcp://${ip}:9001`);
    expect(env.status).toBe(200);
    // a fault armed for the second NetBox status call: one call now, the next after the restart
    lab.netbox.control.injectFault({
      operation: 'netbox.status',
      nth: 2,
      action: { kind: 'fail', status: 503, reason: 'Service Unavailable' },
    });
    const status = () =>
      fetch(`${lab!.netbox.url}/api/status/`, {
        headers: { Authorization: `Bearer ${lab!.credentials.netbox.token}` },
      });
    expect((await status()).status).toBe(200);
    await lab.stop();
    lab = undefined;

    lab = await start();
    // tasks: listed and pollable by their UPIDs
    const tasks = await pveCall(
      lab.proxmox,
      contract,
      'GET',
      '/nodes/pve/tasks',
    );
    expect(
      tasks.body.data.map(
        (t: { type: string; id: string }) => `${t.type}:${t.id}`,
      ),
    ).toEqual(expect.arrayContaining(['vzclone:9000', 'vzstart:101']));
    expect(clone.exitstatus).toBe('OK');
    expect(
      (await pveWaitTask(lab.proxmox, contract, clone.upid)).exitstatus,
    ).toBe('OK');
    // the fault still waits for its call
    expect((await status()).status).toBe(503);
    // Portainer's environment reaches the guest's engine through the Docker proxy
    const listed = await portainer.call(
      'GET',
      `/endpoints/${env.body.Id}/docker/containers/json`,
    );
    expect(listed.body.map((c: { Names: string[] }) => c.Names[0])).toContain(
      '/web',
    );
    // the route file is read again and reaches the container
    const viaEdge = await eventually(async () => {
      const r = await edgeRequest(lab!.urls.edge!, 'env-b.docker.localhost');
      expect(r.status).toBe(200);
      return JSON.parse(r.text);
    });
    expect(viaEdge).toMatchObject({ container: 'web' });
  });

  it('refuses an unreadable state file instead of overwriting it', async () => {
    const stateFile = path.join(dir, 'broken.json');
    fs.writeFileSync(stateFile, '{not json');
    await expect(startLab({ latencyScale: 0, stateFile })).rejects.toThrow(
      /broken\.json cannot be read/,
    );
    expect(fs.readFileSync(stateFile, 'utf8')).toBe('{not json');
  });
});
