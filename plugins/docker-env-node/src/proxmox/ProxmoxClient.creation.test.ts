import { OwnershipConflictError } from '../ownership';
import {
  proxmoxHarness,
  fast,
} from '@docker-env/lab-testing/clients/proxmoxHarness';

/** Creates are idempotent by hostname and adopt only our own CT (its tag or description mark). */
describe('ProxmoxApiClient creation and ownership', () => {
  const h = proxmoxHarness();

  it('does not clone twice when the call is retried', async () => {
    const first = await h.client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'env-retry',
      environmentId: 'env-1',
    });
    const second = await h.client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'env-retry',
      environmentId: 'env-1',
    });
    expect(second).toEqual({ vmid: first.vmid, node: 'pve', existing: true });
    expect(h.sim.control.callCount('proxmox.lxc.clone')).toBe(1);
  });

  it('adopts only its own CT and refuses a same-named CT that is not ours', async () => {
    const other = await h.client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'taken',
      environmentId: 'someone-else',
    });
    await h.client.waitForTask(other.upid!, fast);
    // made by hand in the PVE GUI: no tag, no description mark
    await h.transport.request('POST', '/nodes/pve/lxc/9000/clone', {
      newid: 150,
      hostname: 'by-hand',
    });
    const clones = h.sim.control.callCount('proxmox.lxc.clone');
    for (const hostname of ['taken', 'by-hand']) {
      const err = await h.client
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
        h.client.createFromOsTemplate({
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
    expect(h.sim.control.callCount('proxmox.lxc.clone')).toBe(clones);
    expect(h.sim.control.callCount('proxmox.lxc.create')).toBe(0);

    // the owner's retry adopts it: first by the description line a clone carries, then by its tag
    const adopted = await h.client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'taken',
      environmentId: 'someone-else',
    });
    expect(adopted).toEqual({ vmid: other.vmid, node: 'pve', existing: true });
    expect((await h.client.getConfig(other.vmid)).description).toBe(
      'docker-env-environment: someone-else',
    );
    await h.client.updateConfig(other.vmid, {
      description: 'edited by hand',
      tags: ['docker-env', 'docker-env-someone-else'],
    });
    const [listed] = (await h.client.listContainers()).filter(
      c => c.vmid === other.vmid,
    );
    expect(await h.client.isOurs(listed, 'someone-else')).toBe(true);
    expect(await h.client.isOurs(listed, 'env-1')).toBe(false);
  });

  it('retries with a new id when another create takes the id from nextid', async () => {
    const other = h.makeClient();
    const realNextId = h.client.nextId.bind(h.client);
    jest.spyOn(h.client, 'nextId').mockImplementationOnce(async () => {
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
    const res = await h.client.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'env-race',
      environmentId: 'env-1',
    });
    expect(res.vmid).toBe(101);
    expect(h.sim.control.callCount('proxmox.lxc.clone')).toBe(3);
    expect(h.sim.container(100)?.config.hostname).toBe('racer');
  });

  it('serialises concurrent clones of the locked template', async () => {
    h.sim.control.setLatency('proxmox.lxc.clone', 50);
    h.sim.control.setLatencyScale(1);
    const [a, b] = await Promise.all([
      h.client.cloneFromTemplate({
        templateVmid: 9000,
        hostname: 'env-a',
        environmentId: 'env-1',
      }),
      h.client.cloneFromTemplate({
        templateVmid: 9000,
        hostname: 'env-b',
        environmentId: 'env-1',
      }),
    ]);
    await Promise.all([
      h.client.waitForTask(a.upid!, fast),
      h.client.waitForTask(b.upid!, fast),
    ]);
    expect(new Set([a.vmid, b.vmid]).size).toBe(2);
  });
});
