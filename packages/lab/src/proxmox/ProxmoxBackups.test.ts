import net from 'node:net';
import { ProxmoxContract } from '../contracts';
import { guestIpForVmid } from '../core/GuestHost';
import { GuestFleet } from '../guest';
import { ProxmoxSimulator } from './ProxmoxSimulator';
import { pveCall, pveWaitTask } from './testCall';

const BLOCK = 231;

function refused(ip: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect({ host: ip, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('ProxmoxSimulator: node, storage, backups, restore, new leases', () => {
  const contract = ProxmoxContract.load();
  let sim: ProxmoxSimulator;
  let guests: GuestFleet;

  beforeEach(async () => {
    guests = new GuestFleet({ latencyScale: 0 });
    sim = await ProxmoxSimulator.start({
      latencyScale: 0,
      guests,
      guestIpBlock: BLOCK,
    });
  });
  afterEach(async () => {
    await sim.stop();
    await guests.stopAll();
  });

  const call = (
    method: string,
    path: string,
    params: Record<string, string | number> = {},
  ) => pveCall(sim, contract, method, path, params);
  const waitTask = (upid: string) => pveWaitTask(sim, contract, upid);
  async function runTask(
    method: string,
    path: string,
    params: Record<string, string | number> = {},
  ) {
    const res = await call(method, path, params);
    expect(res.status).toBe(200);
    return waitTask(res.body.data);
  }
  async function cloneAndStart(vmid: number) {
    await runTask('POST', '/nodes/pve/lxc/9000/clone', {
      newid: vmid,
      hostname: `env-${vmid}`,
    });
    await runTask('POST', `/nodes/pve/lxc/${vmid}/status/start`);
  }

  it('answers version, the node online, cluster resources and the task list', async () => {
    expect((await call('GET', '/version')).body.data).toMatchObject({
      version: '9.1.3',
      release: '9.1',
    });
    expect((await call('GET', '/nodes')).body.data).toEqual([
      expect.objectContaining({ node: 'pve', status: 'online' }),
    ]);
    await cloneAndStart(101);
    const vms = (await call('GET', '/cluster/resources', { type: 'vm' })).body
      .data;
    expect(vms).toEqual([
      expect.objectContaining({ id: 'lxc/9000', type: 'lxc', template: 1 }),
      expect.objectContaining({
        id: 'lxc/101',
        vmid: 101,
        name: 'env-101',
        node: 'pve',
        status: 'running',
        tags: 'docker-env;golden',
      }),
    ]);
    const all = (await call('GET', '/cluster/resources')).body.data;
    expect(all.map((r: { type: string }) => r.type).sort()).toEqual([
      'lxc',
      'lxc',
      'node',
      'storage',
      'storage',
      'storage',
    ]);
    const tasks = (await call('GET', '/nodes/pve/tasks', { vmid: 101 })).body
      .data;
    expect(tasks.map((t: { type: string }) => t.type)).toEqual(['vzstart']);
    expect(tasks[0].status).toBe('OK');
    const clones = (
      await call('GET', '/nodes/pve/tasks', { typefilter: 'vzclone' })
    ).body.data;
    expect(clones).toEqual([expect.objectContaining({ id: '9000' })]);
    const bad = await call('GET', '/cluster/resources', { type: 'vms' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.type).toMatch(/enumeration/);
  });

  it('lists the OS templates as vztmpl volumes and creates a CT from one', async () => {
    const list = (
      await call('GET', '/nodes/pve/storage/local/content', {
        content: 'vztmpl',
      })
    ).body.data;
    expect(list).toEqual([
      expect.objectContaining({
        volid: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
        content: 'vztmpl',
        format: 'tzst',
      }),
      expect.objectContaining({ content: 'vztmpl' }),
    ]);
    const created = await runTask('POST', '/nodes/pve/lxc', {
      vmid: 120,
      ostemplate: list[0].volid,
      rootfs: 'local-lvm:8',
    });
    expect(created.exitstatus).toBe('OK');
    const disks = (
      await call('GET', '/nodes/pve/storage/local-lvm/content', { vmid: 120 })
    ).body.data;
    expect(disks).toEqual([
      expect.objectContaining({
        volid: 'local-lvm:vm-120-disk-0',
        content: 'rootdir',
        vmid: 120,
        size: 8 * 1024 ** 3,
      }),
    ]);
    const missing = await call('GET', '/nodes/pve/storage/nfs/content');
    expect(missing.status).toBe(500);
    expect(missing.reason).toBe("storage 'nfs' does not exist");
  });

  it('backs a CT up with vzdump, restores it under a new vmid with its containers, and deletes the backup', async () => {
    await cloneAndStart(101);
    const engine = guests.engine(101)!;
    engine.createContainer('web', {
      Image: 'portainer/agent:2.27.9',
      HostConfig: { RestartPolicy: { Name: 'unless-stopped' } },
    });
    await engine.startContainer('web');

    const wrong = await runTask('POST', '/nodes/pve/vzdump', {
      vmid: 101,
      storage: 'local',
    });
    expect(wrong.exitstatus).toBe(
      "could not get storage information for 'local': can't use storage 'local' for backups - wrong content type",
    );
    const dump = await runTask('POST', '/nodes/pve/vzdump', {
      vmid: 101,
      storage: 'backup',
      mode: 'snapshot',
      compress: 'zstd',
      'notes-template': '{{guestname}} before delete',
    });
    expect(dump).toMatchObject({ type: 'vzdump', id: '101', exitstatus: 'OK' });
    const backups = (
      await call('GET', '/nodes/pve/storage/backup/content', {
        content: 'backup',
        vmid: 101,
      })
    ).body.data;
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatchObject({
      content: 'backup',
      format: 'tar.zst',
      vmid: 101,
      notes: 'env-101 before delete',
    });
    const volid: string = backups[0].volid;
    expect(volid).toMatch(
      /^backup:backup\/vzdump-lxc-101-\d{4}_\d{2}_\d{2}-\d{2}_\d{2}_\d{2}\.tar\.zst$/,
    );

    await runTask('DELETE', '/nodes/pve/lxc/101', { force: 1, purge: 1 });
    expect(guests.engine(101)).toBeUndefined();
    const taken = await call('POST', '/nodes/pve/lxc', {
      vmid: 9000,
      restore: 1,
      ostemplate: volid,
    });
    expect(taken.status).toBe(500);
    expect(taken.reason).toBe("CT 9000 already exists on node 'pve'");

    const restored = await runTask('POST', '/nodes/pve/lxc', {
      vmid: 102,
      restore: 1,
      ostemplate: volid,
      start: 1,
    });
    expect(restored).toMatchObject({ type: 'vzrestore', exitstatus: 'OK' });
    const cfg = (await call('GET', '/nodes/pve/lxc/102/config')).body.data;
    expect(cfg).toMatchObject({
      hostname: 'env-101',
      rootfs: 'local-lvm:vm-102-disk-0,size=8G',
    });
    const web = guests.engine(102)!.findContainer('web');
    expect(web.State.Running).toBe(true);
    expect(await refused(guestIpForVmid(102, BLOCK), 2375)).toBe(false);

    const del = await runTask(
      'DELETE',
      `/nodes/pve/storage/backup/content/${encodeURIComponent(volid)}`,
    );
    expect(del).toMatchObject({ type: 'imgdel', exitstatus: 'OK' });
    expect(
      (await call('GET', '/nodes/pve/storage/backup/content')).body.data,
    ).toEqual([]);
    const gone = await call('POST', '/nodes/pve/lxc', {
      vmid: 103,
      restore: 1,
      ostemplate: volid,
    });
    expect(gone.status).toBe(500);
  });

  it('gives a CT a new address at its next start with the new-address fault', async () => {
    await cloneAndStart(101);
    const first = guestIpForVmid(101, BLOCK);
    expect(await refused(first, 9001)).toBe(false);
    await runTask('POST', '/nodes/pve/lxc/101/status/stop');
    sim.control.injectFault({
      operation: 'proxmox.lxc.start',
      action: { kind: 'new-address' },
    });
    await runTask('POST', '/nodes/pve/lxc/101/status/start');
    const second = guestIpForVmid(101, BLOCK, 1);
    expect(second).not.toBe(first);
    const eth0 = (
      await call('GET', '/nodes/pve/lxc/101/interfaces')
    ).body.data.find((i: { name: string }) => i.name === 'eth0');
    expect(eth0.inet).toBe(`${second}/24`);
    expect(await refused(second, 9001)).toBe(false);
    expect(await refused(first, 9001)).toBe(true);
    expect(guests.agentUrl(101)).toBe(`http://${second}:9001`);
  });

  it('starts the CT after a rollback with start=1', async () => {
    await cloneAndStart(101);
    await runTask('POST', '/nodes/pve/lxc/101/snapshot', { snapname: 'pre' });
    const plain = await runTask(
      'POST',
      '/nodes/pve/lxc/101/snapshot/pre/rollback',
    );
    expect(plain.exitstatus).toBe('OK');
    expect(sim.container(101)?.status).toBe('stopped');
    await runTask('POST', '/nodes/pve/lxc/101/snapshot/pre/rollback', {
      start: 1,
    });
    expect(sim.container(101)?.status).toBe('running');
    expect(await refused(guestIpForVmid(101, BLOCK), 9001)).toBe(false);
  });
});
