import {
  guestIpForVmid,
  type GuestHost,
  type GuestSpec,
} from '../core/GuestHost';
import { ProxmoxContract } from '../contracts';
import { DEFAULT_PROXMOX_SIM_TOKEN } from './config';
import { ProxmoxSimulator } from './ProxmoxSimulator';
import { AUTH, pveCall, pveWaitTask } from './testCall';

class RecordingGuests implements GuestHost {
  readonly calls: string[] = [];
  readonly specs: GuestSpec[] = [];
  failStart = false;
  async start(spec: GuestSpec) {
    if (this.failStart) throw new Error('agent did not come up');
    this.specs.push(spec);
    this.calls.push(`start ${spec.vmid}`);
  }
  async stop(vmid: number) {
    this.calls.push(`stop ${vmid}`);
  }
  async destroy(vmid: number) {
    this.calls.push(`destroy ${vmid}`);
  }
}

describe('ProxmoxSimulator', () => {
  const contract = ProxmoxContract.load();
  let sim: ProxmoxSimulator;
  let guests: RecordingGuests;

  beforeEach(async () => {
    guests = new RecordingGuests();
    sim = await ProxmoxSimulator.start({ latencyScale: 0, guests });
  });
  afterEach(() => sim.stop());

  const call = (
    method: string,
    path: string,
    params: Record<string, string | number> = {},
    auth = AUTH,
  ) => pveCall(sim, contract, method, path, params, auth);
  const waitTask = (upid: string) => pveWaitTask(sim, contract, upid);

  it('answers nextid as a string and seeds the golden template', async () => {
    const { body } = await call('GET', '/cluster/nextid');
    expect(body.data).toBe('100');
    const cfg = await call('GET', '/nodes/pve/lxc/9000/config');
    expect(cfg.body.data).toMatchObject({
      template: 1,
      features: 'keyctl=1,nesting=1',
      unprivileged: 1,
    });
    expect(cfg.body.data.digest).toMatch(/^[0-9a-f]{40}$/);
    const taken = await call('GET', '/cluster/nextid', { vmid: 9000 });
    expect(taken.status).toBe(400);
    expect(taken.body.errors.vmid).toMatch(/already exists/);
  });

  it('runs a linked clone through start, status, interfaces, rrd, snapshots, shutdown and destroy', async () => {
    sim.control.setLatency('proxmox.lxc.clone', 300);
    sim.control.setLatencyScale(1);
    const clone = await call('POST', '/nodes/pve/lxc/9000/clone', {
      newid: 101,
      hostname: 'env-a',
      full: 0,
    });
    sim.control.setLatencyScale(0); // the running task keeps its timer
    expect(clone.body.data).toMatch(
      /^UPID:pve:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:vzclone:9000:docker-env@pve!portal:$/,
    );
    expect(sim.container(101)?.lock).toBe('create');
    expect(sim.container(9000)?.lock).toBe('disk');
    expect(await waitTask(clone.body.data)).toMatchObject({
      status: 'stopped',
      exitstatus: 'OK',
      type: 'vzclone',
    });
    const cfg = (await call('GET', '/nodes/pve/lxc/101/config')).body.data;
    expect(cfg).toMatchObject({
      hostname: 'env-a',
      features: 'keyctl=1,nesting=1',
      rootfs: 'local-lvm:vm-101-disk-0,size=8G',
    });
    expect(cfg.template).toBeUndefined();

    expect(
      (await call('GET', '/nodes/pve/lxc/101/interfaces')).body.data,
    ).toBeNull();
    const start = await call('POST', '/nodes/pve/lxc/101/status/start');
    await waitTask(start.body.data);
    expect(guests.specs[0]).toEqual({
      vmid: 101,
      hostname: 'env-a',
      ip: guestIpForVmid(101),
      dockerPreinstalled: true,
    });
    const again = await call('POST', '/nodes/pve/lxc/101/status/start');
    expect(again).toMatchObject({
      status: 500,
      reason: 'CT 101 already running',
    });

    const ifaces = (await call('GET', '/nodes/pve/lxc/101/interfaces')).body
      .data;
    expect(ifaces.map((i: any) => i.name)).toEqual(['lo', 'eth0']);
    expect(ifaces[1]['ip-addresses'][0]).toEqual({
      'ip-address': guestIpForVmid(101),
      'ip-address-type': 'inet',
      prefix: 24,
    });

    const status = (await call('GET', '/nodes/pve/lxc/101/status/current')).body
      .data;
    expect(status).toMatchObject({
      status: 'running',
      vmid: 101,
      maxmem: 2048 * 1024 * 1024,
    });
    const rrd = (
      await call('GET', '/nodes/pve/lxc/101/rrddata', {
        timeframe: 'hour',
        cf: 'AVERAGE',
      })
    ).body.data;
    expect(rrd).toHaveLength(70);
    expect(rrd[1].time - rrd[0].time).toBe(60);
    expect(Object.keys(rrd[0])).toEqual(['time']); // unknown values are missing keys, not null
    expect(rrd[69].cpu).toEqual(expect.any(Number));

    const snap = await call('POST', '/nodes/pve/lxc/101/snapshot', {
      snapname: 'before',
      description: 'x',
    });
    await waitTask(snap.body.data);
    const snaps = (await call('GET', '/nodes/pve/lxc/101/snapshot')).body.data;
    expect(snaps.map((s: any) => s.name)).toEqual(['before', 'current']);
    expect(snaps[1]).toMatchObject({
      description: 'You are here!',
      parent: 'before',
    });
    await waitTask(
      (
        await call('POST', '/nodes/pve/lxc/101/snapshot/before/rollback')
      ).body.data,
    );
    expect(sim.container(101)?.status).toBe('stopped');
    await waitTask(
      (
        await call('DELETE', '/nodes/pve/lxc/101/snapshot/before')
      ).body.data,
    );

    await waitTask(
      (
        await call('POST', '/nodes/pve/lxc/101/status/start')
      ).body.data,
    );
    const running = await call('DELETE', '/nodes/pve/lxc/101', { purge: 1 });
    expect(running).toMatchObject({
      status: 500,
      reason: 'unable to destroy CT 101 - container is running',
    });
    await waitTask(
      (
        await call('POST', '/nodes/pve/lxc/101/status/shutdown', {
          timeout: 30,
        })
      ).body.data,
    );
    await waitTask(
      (
        await call('DELETE', '/nodes/pve/lxc/101', {
          purge: 1,
          'destroy-unreferenced-disks': 1,
        })
      ).body.data,
    );
    expect(sim.container(101)).toBeUndefined();
    expect(guests.calls).toEqual([
      'start 101',
      'stop 101',
      'start 101',
      'stop 101',
      'destroy 101',
    ]);
  });

  it('refuses keyctl from a token, storage on linked clones, shrinking, stale digests and bad parameters', async () => {
    await waitTask(
      (
        await call('POST', '/nodes/pve/lxc/9000/clone', {
          newid: 102,
          hostname: 'env-b',
        })
      ).body.data,
    );
    const feat = await call('PUT', '/nodes/pve/lxc/102/config', {
      features: 'keyctl=1,nesting=1,fuse=1',
    });
    expect(feat).toMatchObject({
      status: 403,
      reason:
        'Permission check failed (changing feature flags (except nesting) is only allowed for root@pam)',
    });
    const storage = await call('POST', '/nodes/pve/lxc/9000/clone', {
      newid: 103,
      hostname: 'env-c',
      storage: 'local-lvm',
    });
    expect(storage).toMatchObject({
      status: 500,
      reason: "parameter 'storage' not allowed for linked clones",
    });
    expect(sim.container(103)).toBeUndefined();
    const dup = await call('POST', '/nodes/pve/lxc/9000/clone', {
      newid: 102,
      hostname: 'env-c',
    });
    expect(dup).toMatchObject({
      status: 500,
      reason: "CT 102 already exists on node 'pve'",
    });
    // create checks the id synchronously too (check_vmid_unused): a plain 500, no task, no "unable to create" prefix
    const dupCreate = await call('POST', '/nodes/pve/lxc', {
      vmid: 102,
      ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
      hostname: 'env-d',
    });
    expect(dupCreate).toMatchObject({
      status: 500,
      reason: "CT 102 already exists on node 'pve'",
    });
    expect(sim.container(102)?.config.hostname).toBe('env-b');
    const shrink = await call('PUT', '/nodes/pve/lxc/102/resize', {
      disk: 'rootfs',
      size: '4G',
    });
    expect(shrink).toMatchObject({
      status: 500,
      reason: 'unable to shrink disk size',
    });
    await waitTask(
      (
        await call('PUT', '/nodes/pve/lxc/102/resize', {
          disk: 'rootfs',
          size: '+2G',
        })
      ).body.data,
    );
    expect(sim.container(102)?.config.rootfs).toBe(
      'local-lvm:vm-102-disk-0,size=10G',
    );
    const stale = await call('PUT', '/nodes/pve/lxc/102/config', {
      cores: 4,
      digest: '0'.repeat(40),
    });
    expect(stale.status).toBe(500);
    expect(stale.reason).toMatch(/detected modified configuration/);
    const bad = await call('POST', '/nodes/pve/lxc/9000/clone', {
      newid: 5,
      hostname: 'a b',
      bogus: 1,
    });
    expect(bad).toMatchObject({
      status: 400,
      reason: 'Parameter verification failed.',
    });
    expect(Object.keys(bad.body.errors).sort()).toEqual([
      'bogus',
      'hostname',
      'newid',
    ]);
    expect(bad.body.errors.newid).toBe(
      'value must have a minimum value of 100',
    );
  });

  it('delays and refuses a bad token with 401, and an unknown path with 501', async () => {
    sim.control.setLatency('proxmox.auth.fail', 200);
    sim.control.setLatencyScale(1);
    const t0 = Date.now();
    const res = await call(
      'GET',
      '/cluster/nextid',
      {},
      `PVEAPIToken=${DEFAULT_PROXMOX_SIM_TOKEN.id}=wrong-secret`,
    );
    expect(res).toMatchObject({ status: 401, reason: 'invalid token value!' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    sim.control.setLatencyScale(0);
    expect((await call('GET', '/nodes/pve/qemu')).status).toBe(501);
  });

  it('ends a task with an injected exit status and rolls the clone back', async () => {
    sim.control.injectFault({
      operation: 'proxmox.lxc.clone',
      action: { kind: 'task-fail', exitstatus: 'clone failed: no space left' },
    });
    const clone = await call('POST', '/nodes/pve/lxc/9000/clone', {
      newid: 110,
      hostname: 'env-f',
    });
    expect(await waitTask(clone.body.data)).toMatchObject({
      exitstatus: 'clone failed: no space left',
    });
    expect(sim.container(110)).toBeUndefined();
    expect(sim.container(9000)?.lock).toBeUndefined();
  });

  it('fails a start whose guest does not come up', async () => {
    await waitTask(
      (
        await call('POST', '/nodes/pve/lxc/9000/clone', {
          newid: 111,
          hostname: 'env-g',
        })
      ).body.data,
    );
    guests.failStart = true;
    const task = await waitTask(
      (
        await call('POST', '/nodes/pve/lxc/111/status/start')
      ).body.data,
    );
    expect(task.exitstatus).toBe("startup for container '111' failed");
    expect(sim.container(111)?.status).toBe('stopped');
  });

  it('keeps firewall options and rules', async () => {
    await waitTask(
      (
        await call('POST', '/nodes/pve/lxc/9000/clone', {
          newid: 120,
          hostname: 'env-fw',
        })
      ).body.data,
    );
    await call('PUT', '/nodes/pve/lxc/120/firewall/options', {
      enable: 1,
      policy_in: 'DROP',
      policy_out: 'ACCEPT',
    });
    expect(
      (await call('GET', '/nodes/pve/lxc/120/firewall/options')).body.data,
    ).toMatchObject({ enable: 1, policy_in: 'DROP' });
    await call('POST', '/nodes/pve/lxc/120/firewall/rules', {
      type: 'in',
      action: 'ACCEPT',
      proto: 'tcp',
      dport: '9001',
      enable: 1,
    });
    await call('POST', '/nodes/pve/lxc/120/firewall/rules', {
      type: 'in',
      action: 'ACCEPT',
      proto: 'tcp',
      dport: '2375',
      enable: 1,
    });
    const rules = (await call('GET', '/nodes/pve/lxc/120/firewall/rules')).body
      .data;
    expect(rules.map((r: any) => [r.pos, r.dport])).toEqual([
      [0, '2375'],
      [1, '9001'],
    ]);
    await call('DELETE', '/nodes/pve/lxc/120/firewall/rules/0');
    expect(
      (await call('GET', '/nodes/pve/lxc/120/firewall/rules')).body.data,
    ).toHaveLength(1);
    expect(
      (await call('DELETE', '/nodes/pve/lxc/120/firewall/rules/5')).status,
    ).toBe(500);
  });

  it('serves its state and the lab control', async () => {
    const base = sim.url.replace('/api2/json', '');
    const state = await (await fetch(`${base}/_lab/state`)).json();
    expect(state.containers.map((c: any) => c.vmid)).toEqual([9000]);
    const res = await fetch(`${base}/_lab/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        operation: 'proxmox.cluster.nextid',
        action: { kind: 'fail', status: 595, reason: 'No route to host' },
      }),
    });
    expect(res.status).toBe(201);
    expect(await call('GET', '/cluster/nextid')).toMatchObject({
      status: 595,
      reason: 'No route to host',
    });
  });
});
