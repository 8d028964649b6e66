import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProxmoxContract } from '../contracts';
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

  it('refuses an unreadable state file instead of overwriting it', async () => {
    const stateFile = path.join(dir, 'broken.json');
    fs.writeFileSync(stateFile, '{not json');
    await expect(startLab({ latencyScale: 0, stateFile })).rejects.toThrow(
      /broken\.json cannot be read/,
    );
    expect(fs.readFileSync(stateFile, 'utf8')).toBe('{not json');
  });
});
