import { PORTAINER_LAB_API_KEY } from '@docker-env/lab';
import { OwnershipConflictError } from '../ownership';
import {
  AGENT_IP,
  portainerHarness,
} from '@docker-env/lab-testing/clients/portainerHarness';

/** Portainer environments carry our tags: a stranger's, or ours pointing elsewhere, is refused, never adopted or moved. */
describe('PortainerClient ownership', () => {
  const h = portainerHarness();

  it("adopts only its own environment: a stranger's or another URL is refused", async () => {
    const pt = h.client();
    // created by hand in Portainer's GUI: same name, no tags
    const form = new FormData();
    form.set('Name', 'taken');
    form.set('EndpointCreationType', '2');
    form.set('URL', `tcp://${AGENT_IP}:9001`);
    form.set('TLS', 'true');
    form.set('TLSSkipVerify', 'true');
    form.set('TLSSkipClientVerify', 'true');
    const byHand = await fetch(`${h.sim.url}/endpoints`, {
      method: 'POST',
      headers: { 'X-API-Key': PORTAINER_LAB_API_KEY },
      body: form,
    });
    expect(byHand.status).toBe(200);
    const err = await pt
      .createAgentEndpoint({
        name: 'taken',
        ip: AGENT_IP,
        environmentId: 'env-1',
      })
      .catch((e: any) => e);
    expect(err).toBeInstanceOf(OwnershipConflictError);
    expect(err.message).toContain('environment "taken"');
    expect(await pt.findOwnedEndpoint('taken', 'env-1')).toBeUndefined();

    // ours, but asked for another address: refused rather than silently reused
    const { endpoint } = await pt.createAgentEndpoint({
      name: 'mine',
      ip: AGENT_IP,
      environmentId: 'env-1',
    });
    await expect(
      pt.createAgentEndpoint({
        name: 'mine',
        ip: AGENT_IP,
        port: 9002,
        environmentId: 'env-1',
      }),
    ).rejects.toThrow(/points at tcp:\/\/127\.10\.249\.2:9001/);
    // another environment's id is not ours either
    await expect(
      pt.createAgentEndpoint({
        name: 'mine',
        ip: AGENT_IP,
        environmentId: 'env-2',
      }),
    ).rejects.toBeInstanceOf(OwnershipConflictError);
    expect(await pt.findOwnedEndpoint('mine', 'env-1')).toEqual(endpoint);
    expect(await pt.findOwnedEndpoint('mine', 'env-2')).toBeUndefined();
    const tags = await pt.listTags();
    expect(tags.map(t => t.name).sort()).toEqual(
      ['docker-env', 'docker-env-env-1', 'docker-env-env-2'].sort(),
    );
    expect(h.sim.state.endpoints).toHaveLength(2);
  });

  it('moves our environment to a new agent address, and refuses one that is not ours', async () => {
    const pt = h.client();
    const { endpoint } = await pt.createAgentEndpoint({
      name: 'moving',
      ip: AGENT_IP,
      environmentId: 'env-1',
    });
    const update = { endpointId: endpoint.id, environmentId: 'env-1' };
    expect(await pt.updateAgentAddress({ ...update, ip: AGENT_IP })).toBe(
      false,
    );
    expect(h.sent.some(r => r.method === 'PUT')).toBe(false);
    expect(
      await pt.updateAgentAddress({
        ...update,
        ip: '127.10.249.9',
        port: 9002,
      }),
    ).toBe(true);
    // the body is checked against endpoints.endpointUpdatePayload by h.recordingFetch
    expect(h.sent.filter(r => r.method === 'PUT')).toEqual([
      {
        method: 'PUT',
        path: `/api/endpoints/${endpoint.id}`,
        body: { url: 'tcp://127.10.249.9:9002' },
      },
    ]);
    // another environment's id, whether its tag exists or not, is not ours
    const otherEnvironment = {
      ...update,
      environmentId: 'env-2',
      ip: AGENT_IP,
    };
    await expect(
      pt.updateAgentAddress(otherEnvironment),
    ).rejects.toBeInstanceOf(OwnershipConflictError);
    await pt.ensureTag('docker-env-env-2');
    await expect(
      pt.updateAgentAddress(otherEnvironment),
    ).rejects.toBeInstanceOf(OwnershipConflictError);
    await expect(
      pt.updateAgentAddress({ ...update, ip: '127.10.249' }),
    ).rejects.toThrow(/^ip: /);
    expect(h.sent.filter(r => r.method === 'PUT')).toHaveLength(1);
  });
});
