import { ConfigReader } from '@backstage/config';
import { DEFAULT_PROXMOX_SIM_TOKEN, guestIpForVmid } from '@docker-env/lab';
import { UpstreamApiError } from '../errors';
import { ProxmoxApiClient } from './ProxmoxApiClient';
import { ProxmoxTaskError } from './ProxmoxTaskError';
import { PveTransport } from './PveTransport';
import {
  proxmoxHarness,
  fast,
} from '@docker-env/lab-testing/clients/proxmoxHarness';

describe('ProxmoxApiClient against the Proxmox simulator', () => {
  const h = proxmoxHarness();

  it('provisions from the golden template and runs the whole lifecycle', async () => {
    expect(await h.client.nextId()).toBe(100);
    const created = await h.client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'env-one',
      environmentId: 'env-1',
      description: 'team a',
    });
    expect(created).toMatchObject({ vmid: 100, existing: false });
    const task = await h.client.waitForTask(created.upid!, fast);
    expect(task).toMatchObject({
      status: 'stopped',
      exitstatus: 'OK',
      type: 'vzclone',
    });

    const cfg = await h.client.getConfig(100);
    expect(cfg).toMatchObject({
      hostname: 'env-one',
      features: 'keyctl=1,nesting=1',
      template: false,
      unprivileged: true,
    });
    await h.client.updateConfig(
      100,
      { cores: 4, memoryMiB: 4096, tags: ['docker-env', 'team-a'] },
      { digest: cfg.digest },
    );
    await expect(
      h.client.updateConfig(100, { cores: 2 }, { digest: cfg.digest }),
    ).rejects.toMatchObject({
      status: 500,
      reason: expect.stringMatching(/detected modified configuration/),
    });
    await h.client.waitForTask(await h.client.resizeDisk(100, 4), fast);
    expect((await h.client.getConfig(100)).rootfs).toBe(
      'local-lvm:vm-100-disk-0,size=12G',
    );

    expect(await h.client.getInterfaces(100)).toBeNull();
    await h.client.waitForTask(await h.client.start(100), fast);
    expect(
      await h.client.waitForIp(100, { timeoutMs: 2000, intervalMs: 10 }),
    ).toBe(guestIpForVmid(100));
    const ifaces = await h.client.getInterfaces(100);
    expect(ifaces?.map(i => i.name)).toEqual(['lo', 'eth0']);
    const status = await h.client.getStatus(100);
    expect(status).toMatchObject({
      status: 'running',
      cpus: 4,
      maxmem: 4096 * 1024 * 1024,
      tags: ['docker-env', 'team-a'],
    });
    expect(status.netin).toBeGreaterThanOrEqual(0);
    const rrd = await h.client.getRrdData(100, {
      timeframe: 'hour',
      cf: 'AVERAGE',
    });
    expect(rrd).toHaveLength(70);
    expect(rrd[0].cpu).toBeUndefined();

    await h.client.waitForTask(
      await h.client.createSnapshot(100, 'pre-upgrade', 'before upgrade'),
      fast,
    );
    expect((await h.client.listSnapshots(100)).map(s => s.name)).toEqual([
      'pre-upgrade',
    ]);
    await h.client.waitForTask(
      await h.client.rollbackSnapshot(100, 'pre-upgrade'),
      fast,
    );
    await h.client.waitForTask(
      await h.client.deleteSnapshot(100, 'pre-upgrade'),
      fast,
    );
    expect(await h.client.listSnapshots(100)).toEqual([]);

    await h.client.setFirewallOptions(100, {
      enable: true,
      policy_in: 'DROP',
      policy_out: 'ACCEPT',
    });
    expect(await h.client.getFirewallOptions(100)).toMatchObject({
      enable: true,
      policy_in: 'DROP',
      policy_out: 'ACCEPT',
    });
    await h.client.createFirewallRule(100, {
      type: 'in',
      action: 'ACCEPT',
      proto: 'tcp',
      dport: '9001',
      source: '10.0.0.0/24',
      comment: 'portainer',
    });
    const rules = await h.client.listFirewallRules(100);
    expect(rules).toEqual([
      expect.objectContaining({ pos: 0, dport: '9001', enable: true }),
    ]);
    await h.client.deleteFirewallRule(100, 0);
    expect(await h.client.listFirewallRules(100)).toEqual([]);

    await h.client.waitForTask(await h.client.start(100), fast);
    await h.client.waitForTask(
      await h.client.shutdown(100, { timeoutSeconds: 30 }),
      fast,
    );
    expect((await h.client.getStatus(100)).status).toBe('stopped');
    await h.client.waitForTask(await h.client.destroy(100), fast);
    expect(
      await h.client.findContainer({ hostname: 'env-one' }),
    ).toBeUndefined();
    expect(h.guests.calls).toEqual([
      `start 100 env-one ${guestIpForVmid(100)} true`,
      'stop 100',
      `start 100 env-one ${guestIpForVmid(100)} true`,
      'stop 100',
      'destroy 100',
    ]);
    h.expectRequestsMatchContract();
  });

  it('creates from an OS template with nesting only, and sends a valid create request', async () => {
    const res = await h.client.createFromOsTemplate({
      ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
      hostname: 'plain-ct',
      environmentId: 'env-1',
      cores: 2,
      memoryMiB: 1024,
      swapMiB: 512,
      storage: 'local-lvm',
      diskGiB: 8,
      sshPublicKeys: [
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7Zz0B4uCq9HqA9oXyNn1pZ0C1xJmL8zLq3t2v4V6aN ops@example',
      ],
      tags: ['docker-env'],
    });
    await h.client.waitForTask(res.upid!, fast);
    const cfg = await h.client.getConfig(res.vmid);
    expect(cfg).toMatchObject({
      features: 'nesting=1',
      unprivileged: true,
      rootfs: `local-lvm:vm-${res.vmid}-disk-0,size=8G`,
    });
    expect(cfg.net0).toMatch(
      /^name=eth0,bridge=vmbr0,hwaddr=BC:24:11:[0-9A-F:]{8},ip=dhcp,firewall=1$/,
    );
    h.expectRequestsMatchContract();
  });

  it('backs a CT up with vzdump and lists its backups, newest first', async () => {
    const { vmid, upid } = await h.client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'env-backup',
      environmentId: 'env-1',
    });
    await h.client.waitForTask(upid!, fast);
    expect(await h.client.listBackups('backup', vmid)).toEqual([]);
    const task = await h.client.waitForTask(
      await h.client.vzdump(vmid, {
        storage: 'backup',
        mode: 'snapshot',
        notes: 'final env-1',
      }),
      fast,
    );
    expect(task.type).toBe('vzdump');
    const backups = await h.client.listBackups('backup', vmid);
    expect(backups).toEqual([
      expect.objectContaining({ vmid, notes: 'final env-1' }),
    ]);
    expect(backups[0].volid).toMatch(/^backup:backup\/vzdump-lxc-/);
    await expect(
      h.client.vzdump(vmid, { storage: 'backup', mode: 'suspend' as any }),
    ).rejects.toThrow(/^mode: /);
    await expect(
      h.client.vzdump(vmid, { storage: 'backup', mode: 'stop', notes: 'a\nb' }),
    ).rejects.toThrow(/^notes: /);
    h.expectRequestsMatchContract();
  });

  it('maps 401, 400 field errors, 403 and 500 to UpstreamApiError', async () => {
    const bad = h.makeClient('00000000-0000-0000-0000-000000000000');
    const authErr = await bad.nextId().catch((e: any) => e);
    expect(authErr).toMatchObject({
      name: 'UpstreamApiError',
      status: 401,
      reason: 'invalid token value!',
    });
    expect(`${authErr.message} ${authErr.operation}`).not.toMatch(
      /00000000-0000|PVEAPIToken/,
    );
    h.transport.close();
    h.client = h.makeClient(); // back to the good token (makeClient swaps `transport`)
    const err: UpstreamApiError = await h.transport
      .request('POST', '/nodes/pve/lxc/9000/clone', {
        newid: 5,
        hostname: 'x',
      })
      .catch((e: any) => e);
    expect(err).toBeInstanceOf(UpstreamApiError);
    expect(err).toMatchObject({
      status: 400,
      reason: 'Parameter verification failed.',
    });
    expect(err.fieldErrors).toEqual({
      newid: 'value must have a minimum value of 100',
    });
    const created = await h.client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'env-err',
      environmentId: 'env-1',
    });
    await h.client.waitForTask(created.upid!, fast);
    await expect(
      h.transport.request('PUT', `/nodes/pve/lxc/${created.vmid}/config`, {
        features: 'keyctl=1,nesting=1,fuse=1',
      }),
    ).rejects.toMatchObject({
      status: 403,
      reason: expect.stringMatching(/^Permission check failed/),
    });
    await h.client.waitForTask(await h.client.start(created.vmid), fast);
    await expect(h.client.start(created.vmid)).rejects.toMatchObject({
      status: 500,
      reason: `CT ${created.vmid} already running`,
    });
    await expect(h.client.destroy(created.vmid)).rejects.toMatchObject({
      status: 500,
      reason: `unable to destroy CT ${created.vmid} - container is running`,
    });
    h.sim.control.injectFault({
      operation: 'proxmox.lxc.status',
      action: { kind: 'fail', status: 595, reason: 'No route to host' },
    });
    await expect(h.client.getStatus(created.vmid)).rejects.toMatchObject({
      status: 595,
      reason: 'No route to host',
    });
  });

  it('reports a failed task with its exit status', async () => {
    const created = await h.client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'env-fail',
      environmentId: 'env-1',
    });
    await h.client.waitForTask(created.upid!, fast);
    h.sim.control.injectFault({
      operation: 'proxmox.lxc.start',
      action: {
        kind: 'task-fail',
        exitstatus: `startup for container '${created.vmid}' failed`,
      },
    });
    const err = await h.client
      .waitForTask(await h.client.start(created.vmid), fast)
      .catch((e: any) => e);
    expect(err).toBeInstanceOf(ProxmoxTaskError);
    expect(err.exitstatus).toBe(
      `startup for container '${created.vmid}' failed`,
    );
    expect((await h.client.getStatus(created.vmid)).status).toBe('stopped');
  });

  it('times out on a hanging call and on a task that does not finish', async () => {
    const slow = h.makeClient(DEFAULT_PROXMOX_SIM_TOKEN.secret, 200);
    h.sim.control.injectFault({
      operation: 'proxmox.cluster.nextid',
      action: { kind: 'hang' },
    });
    await expect(slow.nextId()).rejects.toMatchObject({
      name: 'UpstreamApiError',
      status: undefined,
      reason: expect.stringMatching(/timeout/),
    });
    expect(h.sim.control.callCount('proxmox.cluster.nextid')).toBe(1); // no silent retry

    const created = await h.client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'env-slow',
      environmentId: 'env-1',
    });
    await h.client.waitForTask(created.upid!, fast);
    h.sim.control.setLatency('proxmox.lxc.start', 10_000);
    h.sim.control.setLatencyScale(1);
    const upid = await h.client.start(created.vmid);
    await expect(
      h.client.waitForTask(upid, {
        timeoutMs: 150,
        backoff: { initialMs: 20 },
      }),
    ).rejects.toMatchObject({ reason: 'task timeout' });
  });

  it('reads its settings from config', () => {
    const fromConfig = ProxmoxApiClient.fromConfig(
      new ConfigReader({
        dockerEnv: {
          proxmox: {
            baseUrl: h.sim.url.replace(/\/api2\/json$/, ''),
            allowInsecure: true,
            node: 'pve',
            tokenId: DEFAULT_PROXMOX_SIM_TOKEN.id,
            tokenSecret: DEFAULT_PROXMOX_SIM_TOKEN.secret,
            tls: { insecureSkipVerify: true },
          },
        },
      }),
    );
    expect(fromConfig.node).toBe('pve');
    expect(
      () =>
        new PveTransport({
          url: h.sim.url,
          tokenId: 'no-realm',
          tokenSecret: 'x',
        }),
    ).toThrow(/tokenId/);
  });
});
