import { ConfigReader } from '@backstage/config';
import { PORTAINER_LAB_API_KEY } from '@docker-env/lab';
import { UpstreamApiError } from '../errors';
import { PortainerClient } from './PortainerClient';
import {
  AGENT_IP,
  portainerHarness,
} from '@docker-env/lab-testing/clients/portainerHarness';

describe('PortainerClient against the Portainer simulator', () => {
  const h = portainerHarness();

  it('creates an agent environment once (idempotent) and sends the documented multipart form', async () => {
    const pt = PortainerClient.fromConfig(
      new ConfigReader({
        dockerEnv: {
          portainer: {
            baseUrl: h.sim.url.replace(/\/api$/, ''),
            allowInsecure: true,
            apiKey: PORTAINER_LAB_API_KEY,
          },
        },
      }),
      { fetch: h.recordingFetch },
    );
    const first = await pt.createAgentEndpoint({
      name: 'env-alice',
      ip: AGENT_IP,
      environmentId: 'env-1',
    });
    expect(first).toMatchObject({
      created: true,
      endpoint: {
        name: 'env-alice',
        type: 2,
        url: `tcp://${AGENT_IP}:9001`,
        groupId: 1,
        agentVersion: '2.21.4',
      },
    });
    expect(h.sent.find(s => s.form)!.form).toEqual({
      Name: 'env-alice',
      EndpointCreationType: '2',
      URL: `tcp://${AGENT_IP}:9001`,
      TLS: 'true',
      TLSSkipVerify: 'true',
      TLSSkipClientVerify: 'true',
      GroupID: '1',
      TagIds: expect.stringMatching(/^\[\d+,\d+\]$/),
    });
    const again = await pt.createAgentEndpoint({
      name: 'env-alice',
      ip: AGENT_IP,
      environmentId: 'env-1',
    });
    expect(again).toEqual({ created: false, endpoint: first.endpoint });
    expect(h.sim.state.endpoints).toHaveLength(1);
    expect(await pt.getEndpoint(first.endpoint.id)).toEqual(first.endpoint);
    expect(
      (await pt.listEndpoints({ name: 'env-alice' })).map(e => e.id),
    ).toEqual([first.endpoint.id]);
    expect(await pt.deleteEndpoint(first.endpoint.id)).toBe(true);
    expect(await pt.deleteEndpoint(first.endpoint.id)).toBe(false);
  });

  it('maps an agent that does not answer to UpstreamApiError 500', async () => {
    const err = await h
      .client()
      .createAgentEndpoint({
        name: 'env-x',
        ip: '127.10.249.7',
        environmentId: 'env-1',
      })
      .catch(e => e);
    expect(err).toBeInstanceOf(UpstreamApiError);
    expect(err).toMatchObject({
      system: 'portainer',
      status: 500,
      reason: 'Unable to get environment type',
    });
    expect(err.message).toContain('connection refused');
  });

  it('maps a bad API key to 401', async () => {
    const err = await h
      .client('ptr_bad')
      .listTeams()
      .catch(e => e);
    expect(err).toMatchObject({ status: 401, reason: 'Invalid JWT token' });
    expect(err.message).not.toContain('ptr_bad');
  });

  it('teams and memberships: find-or-create, add, 409 as success, remove, list', async () => {
    const pt = h.client();
    const team = await pt.ensureTeam('env-alice-team');
    expect(await pt.ensureTeam('env-alice-team')).toEqual(team);
    expect(h.sim.state.teams).toHaveLength(1);
    const alice = await pt.findUserByUsername('ALICE');
    const bob = await pt.findUserByUsername('bob');
    expect(alice).toMatchObject({ username: 'alice', role: 2 });
    expect(await pt.findUserByUsername('nobody')).toBeUndefined();
    expect((await pt.listUsers()).map(u => u.username)).toEqual([
      'admin',
      'alice',
      'bob',
      'carol',
    ]);
    const m1 = await pt.addTeamMember(team.id, alice!.id, 1);
    expect(await pt.addTeamMember(team.id, alice!.id, 1)).toEqual(m1);
    await pt.addTeamMember(team.id, bob!.id, 2);
    expect(
      (await pt.listTeamMemberships(team.id)).map(m => [m.userId, m.role]),
    ).toEqual([
      [alice!.id, 1],
      [bob!.id, 2],
    ]);
    expect(await pt.removeTeamMember(team.id, bob!.id)).toBe(true);
    expect(await pt.removeTeamMember(team.id, bob!.id)).toBe(false);
    expect((await pt.listTeamMemberships(team.id)).map(m => m.userId)).toEqual([
      alice!.id,
    ]);
    // The raw 409 the client turned into success:
    const dup = await fetch(`${h.sim.url}/teams`, {
      method: 'POST',
      headers: { 'X-API-Key': PORTAINER_LAB_API_KEY },
      body: JSON.stringify({ name: 'env-alice-team' }),
    });
    expect(dup.status).toBe(409);
  });

  it('read-merge-write keeps other teams access on grant and revoke', async () => {
    const pt = h.client();
    const { endpoint } = await pt.createAgentEndpoint({
      name: 'env-shared',
      ip: AGENT_IP,
      environmentId: 'env-1',
    });
    const a = await pt.ensureTeam('team-a');
    const b = await pt.ensureTeam('team-b');
    await pt.grantTeamAccess(endpoint.id, a.id);
    const both = await pt.grantTeamAccess(endpoint.id, b.id, 2);
    expect(both.teamAccess).toEqual({ [a.id]: 1, [b.id]: 2 });
    const afterRevoke = await pt.revokeTeamAccess(endpoint.id, a.id);
    expect(afterRevoke.teamAccess).toEqual({ [b.id]: 2 });
    expect(h.sim.state.endpoints[0].TeamAccessPolicies).toEqual({
      [b.id]: { RoleId: 2 },
    });
  });

  it('registries: find-or-create without leaking the password, per-environment access merged', async () => {
    const pt = h.client();
    const input = {
      name: 'gitlab',
      type: 4 as const,
      url: 'registry.gitlab.lab:5050',
      username: 'deploy-bot',
      password: 'pa$$ "word"',
    };
    const reg = await pt.ensureRegistry(input);
    expect(reg).toEqual({
      id: reg.id,
      name: 'gitlab',
      type: 4,
      url: 'registry.gitlab.lab:5050',
      authentication: true,
      username: 'deploy-bot',
      access: {},
    });
    expect(await pt.ensureRegistry(input)).toEqual(reg);
    expect(h.sim.state.registries).toHaveLength(1);
    const { endpoint } = await pt.createAgentEndpoint({
      name: 'env-r',
      ip: AGENT_IP,
      environmentId: 'env-1',
    });
    await pt.grantRegistryAccess(endpoint.id, reg.id, [1]);
    await pt.grantRegistryAccess(endpoint.id, reg.id, [2]);
    expect(
      h.sim.state.registries[0].RegistryAccesses[String(endpoint.id)]
        .TeamAccessPolicies,
    ).toEqual({
      1: { RoleId: 0 },
      2: { RoleId: 0 },
    });
    const failed = await pt
      .ensureRegistry({ ...input, name: 'gitlab-2' })
      .catch(e => e);
    expect(failed).toMatchObject({ status: 409 });
    expect(failed.message).not.toContain('pa$$');
  });

  it('registries: a rotation keeps the access, grants and revocations keep the others and write only on a change', async () => {
    const pt = h.client();
    const input = {
      name: 'docker-env-registry-team-a',
      type: 3 as const,
      url: 'gitlab.lab:5050',
      username: 'gitlab+deploy-token-1',
      password: 'token-1',
    };
    const reg = await pt.ensureRegistry(input);
    const { endpoint } = await pt.createAgentEndpoint({
      name: 'env-rot',
      ip: AGENT_IP,
      environmentId: 'env-rot',
    });
    expect(await pt.grantRegistryAccess(endpoint.id, reg.id, [3, 4])).toBe(
      true,
    );
    const writes = () => h.sim.requests.filter(r => r.method === 'PUT').length;
    const before = writes();
    expect(await pt.grantRegistryAccess(endpoint.id, reg.id, [3])).toBe(false);
    expect(writes()).toBe(before);

    const rotated = await pt.updateRegistry(reg.id, {
      ...input,
      password: 'token-2',
    });
    expect(rotated.access).toEqual({
      [endpoint.id]: { teamIds: [3, 4], userIds: [] },
    });
    expect(h.sim.state.registries[0].Password).toBe('token-2');

    expect(await pt.revokeRegistryAccess(endpoint.id, reg.id, [3])).toBe(true);
    expect((await pt.listRegistries())[0].access[endpoint.id].teamIds).toEqual([
      4,
    ]);
    // the same name at another address is not ours to take
    await expect(
      pt.ensureRegistry({ ...input, url: 'other.lab:5050' }),
    ).rejects.toThrow(/registry "docker-env-registry-team-a" .* not ours/);
    expect(await pt.deleteRegistry(reg.id)).toBe(true);
    expect(await pt.deleteRegistry(reg.id)).toBe(false);
  });

  it('lists containers and sends Docker requests through the proxy', async () => {
    const pt = h.client();
    const { endpoint } = await pt.createAgentEndpoint({
      name: 'env-d',
      ip: AGENT_IP,
      environmentId: 'env-1',
    });
    const containers = await pt.listContainers(endpoint.id);
    expect(containers[0]).toMatchObject({
      Id: 'abc123',
      Names: ['/web'],
      State: 'running',
    });
    expect(h.agent.seen.some(s => s.path === '/containers/json?all=1')).toBe(
      true,
    );
    const created = await pt.dockerRequest<any>(
      endpoint.id,
      'POST',
      '/containers/create',
      {
        query: { name: 'web2' },
        body: { Image: 'nginx:1.27' },
      },
    );
    expect(created).toMatchObject({
      Id: 'new1',
      echo: { Image: 'nginx:1.27' },
      name: 'web2',
    });
  });

  it('refuses a 200 that is not JSON and keeps only exact name matches', async () => {
    const html: typeof fetch = async () =>
      new Response('<html>login</html>', {
        status: 200,
        headers: { 'Content-Type': 'text/html' },
      });
    const behindSso = new PortainerClient({
      baseUrl: 'http://127.0.0.1:9/api',
      apiKey: PORTAINER_LAB_API_KEY,
      fetch: html,
    });
    await expect(behindSso.listEndpoints()).rejects.toThrow(
      'Portainer GET /endpoints answered 200 with a body that is not JSON',
    );

    const pt = h.client();
    await pt.createAgentEndpoint({
      name: 'env-bob-2',
      ip: AGENT_IP,
      environmentId: 'env-1',
    });
    // a server that ignores ?name= (older Portainer) returns every environment
    const ignoresName: typeof fetch = (input, init) =>
      h.recordingFetch(String(input).replace(/&name=[^&]*/, ''), init);
    const old = new PortainerClient({
      baseUrl: h.sim.url,
      apiKey: PORTAINER_LAB_API_KEY,
      fetch: ignoresName,
    });
    expect(await old.listEndpoints({ name: 'env-bob' })).toEqual([]);
    expect(
      (await old.listEndpoints({ name: 'env-bob-2' })).map(e => e.name),
    ).toEqual(['env-bob-2']);
  });
});
