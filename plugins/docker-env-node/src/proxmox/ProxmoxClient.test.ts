import { InputError } from '@backstage/errors';
import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_PROXMOX_SIM_TOKEN,
  guestIpForVmid,
  ProxmoxContract,
  ProxmoxSimulator,
  type GuestHost,
  type GuestSpec,
} from '@docker-env/lab';
import { UpstreamApiError } from '../errors';
import { OwnershipConflictError } from '../ownership';
import { ProxmoxApiClient } from './ProxmoxApiClient';
import { ProxmoxTaskError } from './ProxmoxTaskError';
import { PveTransport } from './PveTransport';

class RecordingGuests implements GuestHost {
  readonly calls: string[] = [];
  async start(spec: GuestSpec) {
    this.calls.push(
      `start ${spec.vmid} ${spec.hostname} ${spec.ip} ${spec.dockerPreinstalled}`,
    );
  }
  async stop(vmid: number) {
    this.calls.push(`stop ${vmid}`);
  }
  async destroy(vmid: number) {
    this.calls.push(`destroy ${vmid}`);
  }
}

const fast = {
  backoff: { initialMs: 5, maxMs: 20, factor: 2 },
  timeoutMs: 5000,
};

describe('ProxmoxApiClient against the Proxmox simulator', () => {
  const contract = ProxmoxContract.load();
  let sim: ProxmoxSimulator;
  let guests: RecordingGuests;
  let client: ProxmoxApiClient;
  let transport: PveTransport;

  function makeClient(
    secret = DEFAULT_PROXMOX_SIM_TOKEN.secret,
    timeoutMs = 5000,
  ) {
    transport = new PveTransport({
      url: sim.url,
      tokenId: DEFAULT_PROXMOX_SIM_TOKEN.id,
      tokenSecret: secret,
      timeoutMs,
    });
    return new ProxmoxApiClient(transport, 'pve', {
      attempts: 5,
      backoff: { initialMs: 5, maxMs: 20, factor: 2 },
    });
  }

  beforeEach(async () => {
    guests = new RecordingGuests();
    sim = await ProxmoxSimulator.start({ latencyScale: 0, guests });
    client = makeClient();
  });
  afterEach(async () => {
    transport.close();
    await sim.stop();
  });

  /** Every request the client sent exists in the contract, with valid parameters and form bodies. */
  function expectRequestsMatchContract() {
    expect(sim.requests.length).toBeGreaterThan(0);
    for (const r of sim.requests) {
      const m = contract.match(r.method, r.path);
      expect({ request: `${r.method} ${r.path}`, known: !!m }).toEqual({
        request: `${r.method} ${r.path}`,
        known: true,
      });
      const params = { ...r.query, ...r.body, ...m!.pathParams };
      expect({
        request: `${r.method} ${r.path}`,
        errors: contract.validateRequest(r.method, m!.template, params),
      }).toEqual({
        request: `${r.method} ${r.path}`,
        errors: [],
      });
      if (r.method === 'POST' || r.method === 'PUT') {
        if (Object.keys(r.body).length)
          expect(r.contentType).toBe('application/x-www-form-urlencoded');
        expect(r.query).toEqual({});
      } else expect(r.body).toEqual({});
    }
  }

  it('provisions from the golden template and runs the whole lifecycle', async () => {
    expect(await client.nextId()).toBe(100);
    const created = await client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'env-one',
      environmentId: 'env-1',
      description: 'team a',
    });
    expect(created).toMatchObject({ vmid: 100, existing: false });
    const task = await client.waitForTask(created.upid!, fast);
    expect(task).toMatchObject({
      status: 'stopped',
      exitstatus: 'OK',
      type: 'vzclone',
    });

    const cfg = await client.getConfig(100);
    expect(cfg).toMatchObject({
      hostname: 'env-one',
      features: 'keyctl=1,nesting=1',
      template: false,
      unprivileged: true,
    });
    await client.updateConfig(
      100,
      { cores: 4, memoryMiB: 4096, tags: ['docker-env', 'team-a'] },
      { digest: cfg.digest },
    );
    await expect(
      client.updateConfig(100, { cores: 2 }, { digest: cfg.digest }),
    ).rejects.toMatchObject({
      status: 500,
      reason: expect.stringMatching(/detected modified configuration/),
    });
    await client.waitForTask(await client.resizeDisk(100, 4), fast);
    expect((await client.getConfig(100)).rootfs).toBe(
      'local-lvm:vm-100-disk-0,size=12G',
    );

    expect(await client.getInterfaces(100)).toBeNull();
    await client.waitForTask(await client.start(100), fast);
    expect(
      await client.waitForIp(100, { timeoutMs: 2000, intervalMs: 10 }),
    ).toBe(guestIpForVmid(100));
    const ifaces = await client.getInterfaces(100);
    expect(ifaces?.map(i => i.name)).toEqual(['lo', 'eth0']);
    const status = await client.getStatus(100);
    expect(status).toMatchObject({
      status: 'running',
      cpus: 4,
      maxmem: 4096 * 1024 * 1024,
      tags: ['docker-env', 'team-a'],
    });
    expect(status.netin).toBeGreaterThanOrEqual(0);
    const rrd = await client.getRrdData(100, {
      timeframe: 'hour',
      cf: 'AVERAGE',
    });
    expect(rrd).toHaveLength(70);
    expect(rrd[0].cpu).toBeUndefined();

    await client.waitForTask(
      await client.createSnapshot(100, 'pre-upgrade', 'before upgrade'),
      fast,
    );
    expect((await client.listSnapshots(100)).map(s => s.name)).toEqual([
      'pre-upgrade',
    ]);
    await client.waitForTask(
      await client.rollbackSnapshot(100, 'pre-upgrade'),
      fast,
    );
    await client.waitForTask(
      await client.deleteSnapshot(100, 'pre-upgrade'),
      fast,
    );
    expect(await client.listSnapshots(100)).toEqual([]);

    await client.setFirewallOptions(100, {
      enable: true,
      policy_in: 'DROP',
      policy_out: 'ACCEPT',
    });
    expect(await client.getFirewallOptions(100)).toMatchObject({
      enable: true,
      policy_in: 'DROP',
      policy_out: 'ACCEPT',
    });
    await client.createFirewallRule(100, {
      type: 'in',
      action: 'ACCEPT',
      proto: 'tcp',
      dport: '9001',
      source: '10.0.0.0/24',
      comment: 'portainer',
    });
    const rules = await client.listFirewallRules(100);
    expect(rules).toEqual([
      expect.objectContaining({ pos: 0, dport: '9001', enable: true }),
    ]);
    await client.deleteFirewallRule(100, 0);
    expect(await client.listFirewallRules(100)).toEqual([]);

    await client.waitForTask(await client.start(100), fast);
    await client.waitForTask(
      await client.shutdown(100, { timeoutSeconds: 30 }),
      fast,
    );
    expect((await client.getStatus(100)).status).toBe('stopped');
    await client.waitForTask(await client.destroy(100), fast);
    expect(await client.findContainer({ hostname: 'env-one' })).toBeUndefined();
    expect(guests.calls).toEqual([
      `start 100 env-one ${guestIpForVmid(100)} true`,
      'stop 100',
      `start 100 env-one ${guestIpForVmid(100)} true`,
      'stop 100',
      'destroy 100',
    ]);
    expectRequestsMatchContract();
  });

  it('creates from an OS template with nesting only, and sends a valid create request', async () => {
    const res = await client.createFromOsTemplate({
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
    await client.waitForTask(res.upid!, fast);
    const cfg = await client.getConfig(res.vmid);
    expect(cfg).toMatchObject({
      features: 'nesting=1',
      unprivileged: true,
      rootfs: `local-lvm:vm-${res.vmid}-disk-0,size=8G`,
    });
    expect(cfg.net0).toMatch(
      /^name=eth0,bridge=vmbr0,hwaddr=BC:24:11:[0-9A-F:]{8},ip=dhcp,firewall=1$/,
    );
    expectRequestsMatchContract();
  });

  it('does not clone twice when the call is retried', async () => {
    const first = await client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'env-retry',
      environmentId: 'env-1',
    });
    const second = await client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'env-retry',
      environmentId: 'env-1',
    });
    expect(second).toEqual({ vmid: first.vmid, node: 'pve', existing: true });
    expect(sim.control.callCount('proxmox.lxc.clone')).toBe(1);
  });

  it('backs a CT up with vzdump and lists its backups, newest first', async () => {
    const { vmid, upid } = await client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'env-backup',
      environmentId: 'env-1',
    });
    await client.waitForTask(upid!, fast);
    expect(await client.listBackups('backup', vmid)).toEqual([]);
    const task = await client.waitForTask(
      await client.vzdump(vmid, {
        storage: 'backup',
        mode: 'snapshot',
        notes: 'final env-1',
      }),
      fast,
    );
    expect(task.type).toBe('vzdump');
    const backups = await client.listBackups('backup', vmid);
    expect(backups).toEqual([
      expect.objectContaining({ vmid, notes: 'final env-1' }),
    ]);
    expect(backups[0].volid).toMatch(/^backup:backup\/vzdump-lxc-/);
    await expect(
      client.vzdump(vmid, { storage: 'backup', mode: 'suspend' as any }),
    ).rejects.toThrow(/^mode: /);
    await expect(
      client.vzdump(vmid, { storage: 'backup', mode: 'stop', notes: 'a\nb' }),
    ).rejects.toThrow(/^notes: /);
    expectRequestsMatchContract();
  });

  it('adopts only its own CT and refuses a same-named CT that is not ours', async () => {
    const other = await client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'taken',
      environmentId: 'someone-else',
    });
    await client.waitForTask(other.upid!, fast);
    // made by hand in the PVE GUI: no tag, no description mark
    await transport.request('POST', '/nodes/pve/lxc/9000/clone', {
      newid: 150,
      hostname: 'by-hand',
    });
    const clones = sim.control.callCount('proxmox.lxc.clone');
    for (const hostname of ['taken', 'by-hand']) {
      const err = await client
        .cloneFromTemplate({
          templateVmid: 9000,
          hostname,
          environmentId: 'env-1',
        })
        .catch((e: any) => e);
      expect(err).toBeInstanceOf(OwnershipConflictError);
      expect((err as Error).name).toBe('ConflictError');
      expect((err as Error).message).toContain(`"${hostname}"`);
      await expect(
        client.createFromOsTemplate({
          ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
          hostname,
          environmentId: 'env-1',
          cores: 1,
          memoryMiB: 512,
          swapMiB: 0,
          storage: 'local-lvm',
          diskGiB: 4,
        }),
      ).rejects.toBeInstanceOf(OwnershipConflictError);
    }
    expect(sim.control.callCount('proxmox.lxc.clone')).toBe(clones);
    expect(sim.control.callCount('proxmox.lxc.create')).toBe(0);

    // the owner's retry adopts it: first by the description line a clone carries, then by its tag
    const adopted = await client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'taken',
      environmentId: 'someone-else',
    });
    expect(adopted).toEqual({ vmid: other.vmid, node: 'pve', existing: true });
    expect((await client.getConfig(other.vmid)).description).toBe(
      'docker-env-environment: someone-else',
    );
    await client.updateConfig(other.vmid, {
      description: 'edited by hand',
      tags: ['docker-env', 'docker-env-someone-else'],
    });
    const [listed] = (await client.listContainers()).filter(
      c => c.vmid === other.vmid,
    );
    expect(await client.isOurs(listed, 'someone-else')).toBe(true);
    expect(await client.isOurs(listed, 'env-1')).toBe(false);
  });

  it('retries with a new id when another create takes the id from nextid', async () => {
    const other = makeClient();
    const realNextId = client.nextId.bind(client);
    jest.spyOn(client, 'nextId').mockImplementationOnce(async () => {
      const id = await realNextId();
      const racer = await other.cloneFromTemplate({
        templateVmid: 9000,
        hostname: 'racer',
        environmentId: 'env-1',
        newid: id,
      });
      await other.waitForTask(racer.upid!, fast);
      return id;
    });
    const res = await client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'env-race',
      environmentId: 'env-1',
    });
    expect(res.vmid).toBe(101);
    expect(sim.control.callCount('proxmox.lxc.clone')).toBe(3);
    expect(sim.container(100)?.config.hostname).toBe('racer');
  });

  it('serialises concurrent clones of the locked template', async () => {
    sim.control.setLatency('proxmox.lxc.clone', 50);
    sim.control.setLatencyScale(1);
    const [a, b] = await Promise.all([
      client.cloneFromTemplate({
        templateVmid: 9000,
        hostname: 'env-a',
        environmentId: 'env-1',
      }),
      client.cloneFromTemplate({
        templateVmid: 9000,
        hostname: 'env-b',
        environmentId: 'env-1',
      }),
    ]);
    await Promise.all([
      client.waitForTask(a.upid!, fast),
      client.waitForTask(b.upid!, fast),
    ]);
    expect(new Set([a.vmid, b.vmid]).size).toBe(2);
  });

  it('maps 401, 400 field errors, 403 and 500 to UpstreamApiError', async () => {
    const bad = makeClient('00000000-0000-0000-0000-000000000000');
    const authErr = await bad.nextId().catch((e: any) => e);
    expect(authErr).toMatchObject({
      name: 'UpstreamApiError',
      status: 401,
      reason: 'invalid token value!',
    });
    expect(`${authErr.message} ${authErr.operation}`).not.toMatch(
      /00000000-0000|PVEAPIToken/,
    );
    transport.close();
    client = makeClient(); // back to the good token (makeClient swaps `transport`)
    const err: UpstreamApiError = await transport
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
    const created = await client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'env-err',
      environmentId: 'env-1',
    });
    await client.waitForTask(created.upid!, fast);
    await expect(
      transport.request('PUT', `/nodes/pve/lxc/${created.vmid}/config`, {
        features: 'keyctl=1,nesting=1,fuse=1',
      }),
    ).rejects.toMatchObject({
      status: 403,
      reason: expect.stringMatching(/^Permission check failed/),
    });
    await client.waitForTask(await client.start(created.vmid), fast);
    await expect(client.start(created.vmid)).rejects.toMatchObject({
      status: 500,
      reason: `CT ${created.vmid} already running`,
    });
    await expect(client.destroy(created.vmid)).rejects.toMatchObject({
      status: 500,
      reason: `unable to destroy CT ${created.vmid} - container is running`,
    });
    sim.control.injectFault({
      operation: 'proxmox.lxc.status',
      action: { kind: 'fail', status: 595, reason: 'No route to host' },
    });
    await expect(client.getStatus(created.vmid)).rejects.toMatchObject({
      status: 595,
      reason: 'No route to host',
    });
  });

  it('reports a failed task with its exit status', async () => {
    const created = await client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'env-fail',
      environmentId: 'env-1',
    });
    await client.waitForTask(created.upid!, fast);
    sim.control.injectFault({
      operation: 'proxmox.lxc.start',
      action: {
        kind: 'task-fail',
        exitstatus: `startup for container '${created.vmid}' failed`,
      },
    });
    const err = await client
      .waitForTask(await client.start(created.vmid), fast)
      .catch((e: any) => e);
    expect(err).toBeInstanceOf(ProxmoxTaskError);
    expect(err.exitstatus).toBe(
      `startup for container '${created.vmid}' failed`,
    );
    expect((await client.getStatus(created.vmid)).status).toBe('stopped');
  });

  it('times out on a hanging call and on a task that does not finish', async () => {
    const slow = makeClient(DEFAULT_PROXMOX_SIM_TOKEN.secret, 200);
    sim.control.injectFault({
      operation: 'proxmox.cluster.nextid',
      action: { kind: 'hang' },
    });
    await expect(slow.nextId()).rejects.toMatchObject({
      name: 'UpstreamApiError',
      status: undefined,
      reason: expect.stringMatching(/timeout/),
    });
    expect(sim.control.callCount('proxmox.cluster.nextid')).toBe(1); // no silent retry

    const created = await client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'env-slow',
      environmentId: 'env-1',
    });
    await client.waitForTask(created.upid!, fast);
    sim.control.setLatency('proxmox.lxc.start', 10_000);
    sim.control.setLatencyScale(1);
    const upid = await client.start(created.vmid);
    await expect(
      client.waitForTask(upid, { timeoutMs: 150, backoff: { initialMs: 20 } }),
    ).rejects.toMatchObject({ reason: 'task timeout' });
  });

  describe('refuses bad input before any request', () => {
    const badNames = [
      'a"b',
      'a`b',
      'a b',
      'a\nb',
      '..',
      '../x',
      'ünïcode',
      'x'.repeat(64),
      '',
      "a'b",
      'a;b',
      'UPPER',
      '-lead',
    ];
    const badVmids: unknown[] = [
      99,
      1_000_000_000,
      100.5,
      Number.NaN,
      '100',
      -1,
    ];

    it.each(badNames)('hostname %j', async name => {
      const before = sim.requests.length;
      await expect(
        client.cloneFromTemplate({
          templateVmid: 9000,
          hostname: name,
          environmentId: 'env-1',
        }),
      ).rejects.toBeInstanceOf(InputError);
      await expect(
        client.findContainer({ hostname: name }),
      ).rejects.toBeInstanceOf(InputError);
      expect(sim.requests.length).toBe(before);
    });

    it.each([
      ...badNames.filter(n => n !== 'UPPER'),
      'current',
      '1abc',
      'a'.repeat(41),
    ])('snapshot name %j', async name => {
      await expect(client.createSnapshot(100, name)).rejects.toBeInstanceOf(
        InputError,
      );
      await expect(client.deleteSnapshot(100, name)).rejects.toBeInstanceOf(
        InputError,
      );
      await expect(client.rollbackSnapshot(100, name)).rejects.toBeInstanceOf(
        InputError,
      );
      expect(sim.requests).toEqual([]);
    });

    it.each(badVmids)('vmid %j', async vmid => {
      await expect(client.getStatus(vmid as number)).rejects.toBeInstanceOf(
        InputError,
      );
      await expect(client.destroy(vmid as number)).rejects.toBeInstanceOf(
        InputError,
      );
      await expect(
        client.cloneFromTemplate({
          templateVmid: vmid as number,
          hostname: 'ok',
          environmentId: 'env-1',
        }),
      ).rejects.toBeInstanceOf(InputError);
      expect(sim.requests).toEqual([]);
    });

    it('other fields', async () => {
      await expect(client.resizeDisk(100, -1)).rejects.toThrow(
        'addGiB: must be a whole number',
      );
      await expect(client.resizeDisk(100, 0)).rejects.toBeInstanceOf(
        InputError,
      );
      await expect(client.waitForTask('UPID:pve:../../etc')).rejects.toThrow(
        /^upid:/,
      );
      await expect(
        client.cloneFromTemplate({
          templateVmid: 9000,
          hostname: 'ok',
          environmentId: 'env-1',
          pool: 'a b',
        }),
      ).rejects.toThrow(/^pool:/);
      await expect(
        client.cloneFromTemplate({
          templateVmid: 9000,
          hostname: 'ok',
          environmentId: 'env-1',
          description: 'x\u0000',
        }),
      ).rejects.toThrow(/^description:/);
      await expect(client.updateConfig(100, { tags: ['a;b'] })).rejects.toThrow(
        /^tags\[0\]:/,
      );
      await expect(client.updateConfig(100, { cores: 0 })).rejects.toThrow(
        /^cores:/,
      );
      await expect(
        client.createFirewallRule(100, {
          type: 'in',
          action: 'ACCEPT',
          dport: '80;rm',
        }),
      ).rejects.toThrow(/^dport:/);
      await expect(
        client.createFirewallRule(100, {
          type: 'in',
          action: 'ACCEPT',
          source: '1.2.3.4`',
        }),
      ).rejects.toThrow(/^source:/);
      await expect(
        client.createFirewallRule(100, {
          type: 'in',
          action: 'ACCEPT',
          comment: 'a\nb',
        }),
      ).rejects.toThrow(/^comment:/);
      await expect(
        client.createFromOsTemplate({
          ostemplate: 'local:vztmpl/../../etc/passwd.tar.gz',
          hostname: 'ok',
          environmentId: 'env-1',
          cores: 1,
          memoryMiB: 512,
          swapMiB: 0,
          storage: 'local-lvm',
          diskGiB: 4,
        }),
      ).rejects.toThrow(/^ostemplate:/);
      await expect(
        client.createFromOsTemplate({
          ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
          hostname: 'ok',
          environmentId: 'env-1',
          cores: 1,
          memoryMiB: 512,
          swapMiB: 0,
          storage: 'local-lvm',
          diskGiB: 4,
          sshPublicKeys: ['ssh-ed25519 AAAA\nssh-rsa BBBB'],
        }),
      ).rejects.toThrow(/^sshPublicKeys\[0\]:/);
      expect(() => new ProxmoxApiClient(transport, 'pve;rm')).toThrow(/^node:/);
      expect(sim.requests).toEqual([]);
    });
  });

  it('reads its settings from config', () => {
    const fromConfig = ProxmoxApiClient.fromConfig(
      new ConfigReader({
        dockerEnv: {
          proxmox: {
            baseUrl: sim.url.replace(/\/api2\/json$/, ''),
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
          url: sim.url,
          tokenId: 'no-realm',
          tokenSecret: 'x',
        }),
    ).toThrow(/tokenId/);
  });
});
