import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  PORTAINER_CONTRACT_FILE,
  PORTAINER_LAB_API_KEY,
  PortainerSimulator,
  portainerContractValidator,
  contractPath,
  startStandInAgent,
  type StandInAgent,
} from '@docker-env/lab';
import fs from 'node:fs';
import { UpstreamApiError } from '../errors';
import { OwnershipConflictError } from '../ownership';
import { PortainerClient } from './PortainerClient';

const AGENT_IP = '127.10.249.2';

const JSON_SCHEMAS: Record<string, string> = {
  'POST /api/teams': 'teams.teamCreatePayload',
  'POST /api/team_memberships': 'teammemberships.teamMembershipCreatePayload',
  'PUT /api/endpoints/{id}': 'endpoints.endpointUpdatePayload',
  'POST /api/registries': 'registries.registryCreatePayload',
};

describe('PortainerClient against the Portainer simulator', () => {
  let sim: PortainerSimulator;
  let agent: StandInAgent;
  const contract = portainerContractValidator();
  const swagger = JSON.parse(
    fs.readFileSync(contractPath(PORTAINER_CONTRACT_FILE), 'utf8'),
  );
  const sent: Array<{
    method: string;
    path: string;
    body?: unknown;
    form?: Record<string, string>;
  }> = [];

  /** Records requests and validates bodies against the contract's request schemas. */
  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const entry: (typeof sent)[number] = { method, path: url.pathname };
    if (init?.body instanceof FormData) {
      entry.form = Object.fromEntries(
        [...init.body.entries()].map(([k, v]) => [k, String(v)]),
      );
      // multipart fields vs the formData parameters of POST /endpoints
      const params: any[] = swagger.paths['/endpoints'].post.parameters;
      for (const p of params.filter(x => x.required))
        expect(entry.form).toHaveProperty(p.name);
      for (const [k, v] of Object.entries(entry.form)) {
        const p = params.find(x => x.name === k);
        expect(p).toBeDefined();
        if (p.type === 'integer') expect(v).toMatch(/^\d+$/);
        if (p.type === 'boolean') expect(['true', 'false']).toContain(v);
        if (p.type === 'array') expect(Array.isArray(JSON.parse(v))).toBe(true);
      }
    } else if (typeof init?.body === 'string') {
      entry.body = JSON.parse(init.body);
      const key = `${method} ${url.pathname.replace(/\/\d+$/, '/{id}')}`;
      const schema = JSON_SCHEMAS[key];
      // PUT /endpoints/{id}/registries/{rid} is not in the EE subset: CE registryAccessPayload.
      if (schema) expect(contract.validate(schema, entry.body)).toEqual([]);
    }
    sent.push(entry);
    return fetch(input, init);
  };

  const client = (apiKey = PORTAINER_LAB_API_KEY) =>
    new PortainerClient({ baseUrl: sim.url, apiKey, fetch: recordingFetch });

  beforeEach(async () => {
    sent.length = 0;
    sim = await PortainerSimulator.start({ latencyScale: 0 });
    agent = await startStandInAgent(AGENT_IP, 9001);
  });
  afterEach(async () => {
    await sim.stop();
    await agent.close();
  });

  it('creates an agent environment once (idempotent) and sends the documented multipart form', async () => {
    const pt = PortainerClient.fromConfig(
      new ConfigReader({
        dockerEnv: {
          portainer: {
            baseUrl: sim.url.replace(/\/api$/, ''),
            allowInsecure: true,
            apiKey: PORTAINER_LAB_API_KEY,
          },
        },
      }),
      { fetch: recordingFetch },
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
    expect(sent.find(s => s.form)!.form).toEqual({
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
    expect(sim.state.endpoints).toHaveLength(1);
    expect(await pt.getEndpoint(first.endpoint.id)).toEqual(first.endpoint);
    expect(
      (await pt.listEndpoints({ name: 'env-alice' })).map(e => e.id),
    ).toEqual([first.endpoint.id]);
    expect(await pt.deleteEndpoint(first.endpoint.id)).toBe(true);
    expect(await pt.deleteEndpoint(first.endpoint.id)).toBe(false);
  });

  it("adopts only its own environment: a stranger's or another URL is refused", async () => {
    const pt = client();
    // created by hand in Portainer's GUI: same name, no tags
    const form = new FormData();
    form.set('Name', 'taken');
    form.set('EndpointCreationType', '2');
    form.set('URL', `tcp://${AGENT_IP}:9001`);
    form.set('TLS', 'true');
    form.set('TLSSkipVerify', 'true');
    form.set('TLSSkipClientVerify', 'true');
    const byHand = await fetch(`${sim.url}/endpoints`, {
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
    expect(sim.state.endpoints).toHaveLength(2);
  });

  it('moves our environment to a new agent address, and refuses one that is not ours', async () => {
    const pt = client();
    const { endpoint } = await pt.createAgentEndpoint({
      name: 'moving',
      ip: AGENT_IP,
      environmentId: 'env-1',
    });
    const update = { endpointId: endpoint.id, environmentId: 'env-1' };
    expect(await pt.updateAgentAddress({ ...update, ip: AGENT_IP })).toBe(
      false,
    );
    expect(sent.some(r => r.method === 'PUT')).toBe(false);
    expect(
      await pt.updateAgentAddress({
        ...update,
        ip: '127.10.249.9',
        port: 9002,
      }),
    ).toBe(true);
    // the body is checked against endpoints.endpointUpdatePayload by recordingFetch
    expect(sent.filter(r => r.method === 'PUT')).toEqual([
      {
        method: 'PUT',
        path: `/api/endpoints/${endpoint.id}`,
        body: { url: 'tcp://127.10.249.9:9002' },
      },
    ]);
    await expect(
      pt.updateAgentAddress({
        ...update,
        environmentId: 'env-2',
        ip: AGENT_IP,
      }),
    ).rejects.toBeInstanceOf(OwnershipConflictError);
    await expect(
      pt.updateAgentAddress({ ...update, ip: '127.10.249' }),
    ).rejects.toThrow(/^ip: /);
    expect(sent.filter(r => r.method === 'PUT')).toHaveLength(1);
  });

  it('maps an agent that does not answer to UpstreamApiError 500', async () => {
    const err = await client()
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
    const err = await client('ptr_bad')
      .listTeams()
      .catch(e => e);
    expect(err).toMatchObject({ status: 401, reason: 'Invalid JWT token' });
    expect(err.message).not.toContain('ptr_bad');
  });

  it('teams and memberships: find-or-create, add, 409 as success, remove, list', async () => {
    const pt = client();
    const team = await pt.ensureTeam('env-alice-team');
    expect(await pt.ensureTeam('env-alice-team')).toEqual(team);
    expect(sim.state.teams).toHaveLength(1);
    const alice = await pt.findUserByUsername('ALICE');
    const bob = await pt.findUserByUsername('bob');
    expect(alice).toMatchObject({ username: 'alice', role: 2 });
    expect(await pt.findUserByUsername('nobody')).toBeUndefined();
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
    const dup = await fetch(`${sim.url}/teams`, {
      method: 'POST',
      headers: { 'X-API-Key': PORTAINER_LAB_API_KEY },
      body: JSON.stringify({ name: 'env-alice-team' }),
    });
    expect(dup.status).toBe(409);
  });

  it('read-merge-write keeps other teams access on grant and revoke', async () => {
    const pt = client();
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
    expect(sim.state.endpoints[0].TeamAccessPolicies).toEqual({
      [b.id]: { RoleId: 2 },
    });
  });

  it('registries: find-or-create without leaking the password, per-environment access merged', async () => {
    const pt = client();
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
    });
    expect(await pt.ensureRegistry(input)).toEqual(reg);
    expect(sim.state.registries).toHaveLength(1);
    const { endpoint } = await pt.createAgentEndpoint({
      name: 'env-r',
      ip: AGENT_IP,
      environmentId: 'env-1',
    });
    await pt.grantRegistryAccess(endpoint.id, reg.id, [1]);
    await pt.grantRegistryAccess(endpoint.id, reg.id, [2]);
    expect(
      sim.state.registries[0].RegistryAccesses[String(endpoint.id)]
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

  it('lists containers and sends Docker requests through the proxy', async () => {
    const pt = client();
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
    expect(agent.seen.some(s => s.path === '/containers/json?all=1')).toBe(
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

  describe('refuses bad input before any request', () => {
    const bad = [
      'has space',
      'quote"d',
      "single'q",
      'back`tick',
      'new\nline',
      '..',
      'a..b',
      'ünïcode',
      'x'.repeat(65),
      '',
    ];
    it.each(bad)('name %j', async name => {
      const pt = client();
      await expect(
        pt.createAgentEndpoint({ name, ip: AGENT_IP, environmentId: 'env-1' }),
      ).rejects.toBeInstanceOf(InputError);
      await expect(pt.ensureTeam(name)).rejects.toBeInstanceOf(InputError);
      await expect(pt.listEndpoints({ name })).rejects.toBeInstanceOf(
        InputError,
      );
      await expect(
        pt.ensureRegistry({ name, type: 3, url: 'reg.lab' }),
      ).rejects.toBeInstanceOf(InputError);
      // user names may be up to 128 characters
      await expect(
        pt.findUserByUsername(name.length > 64 ? 'x'.repeat(129) : name),
      ).rejects.toBeInstanceOf(InputError);
      expect(sim.requests).toEqual([]);
    });

    it('other fields name the field and the rule', async () => {
      const pt = client();
      await expect(
        pt.createAgentEndpoint({
          name: 'ok',
          ip: '10.0.0.256',
          environmentId: 'env-1',
        }),
      ).rejects.toThrow(/^ip:/);
      await expect(
        pt.createAgentEndpoint({
          name: 'ok',
          ip: AGENT_IP,
          port: 70000,
          environmentId: 'env-1',
        }),
      ).rejects.toThrow(/^port:/);
      await expect(pt.addTeamMember(1, 2, 3 as any)).rejects.toThrow(/^role:/);
      await expect(pt.grantTeamAccess(0, 1)).rejects.toThrow(/^endpointId:/);
      await expect(
        pt.ensureRegistry({ name: 'r', type: 4, url: 'https://reg.lab' }),
      ).rejects.toThrow(/^url:/);
      await expect(
        pt.ensureRegistry({ name: 'r', type: 4, url: 'reg.lab/../x' }),
      ).rejects.toThrow(/^url:/);
      await expect(
        pt.ensureRegistry({
          name: 'r',
          type: 4,
          url: 'reg.lab',
          username: 'u',
          password: 'a\nb',
        }),
      ).rejects.toThrow(/^password: must not contain control characters$/);
      await expect(
        pt.ensureRegistry({ name: 'r', type: 5 as any, url: 'reg.lab' }),
      ).rejects.toThrow(/^type:/);
      await expect(
        pt.dockerRequest(1, 'GET', '/containers/../../etc'),
      ).rejects.toThrow(/^path:/);
      await expect(
        pt.dockerRequest(1, 'GET', 'containers/json'),
      ).rejects.toThrow(/^path:/);
      await expect(
        pt.dockerRequest(1, 'GET', '/x', { query: { 'a&b': 1 } }),
      ).rejects.toThrow(/^query:/);
      expect(sim.requests).toEqual([]);
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

    const pt = client();
    await pt.createAgentEndpoint({
      name: 'env-bob-2',
      ip: AGENT_IP,
      environmentId: 'env-1',
    });
    // a server that ignores ?name= (older Portainer) returns every environment
    const ignoresName: typeof fetch = (input, init) =>
      recordingFetch(String(input).replace(/&name=[^&]*/, ''), init);
    const old = new PortainerClient({
      baseUrl: sim.url,
      apiKey: PORTAINER_LAB_API_KEY,
      fetch: ignoresName,
    });
    expect(await old.listEndpoints({ name: 'env-bob' })).toEqual([]);
    expect(
      (await old.listEndpoints({ name: 'env-bob-2' })).map(e => e.name),
    ).toEqual(['env-bob-2']);
  });
});
