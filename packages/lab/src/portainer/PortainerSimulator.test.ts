import { portainerContractValidator } from '../contracts';
import { PortainerSimulator } from './PortainerSimulator';
import { StandInAgent, startStandInAgent } from './standInAgent';
import { PORTAINER_TEST_KEY, portainerTestCalls } from './testing';

const AGENT_IP = '127.10.249.1';

describe('PortainerSimulator', () => {
  let sim: PortainerSimulator;
  let agent: StandInAgent;
  const contract = portainerContractValidator({ goNullable: true });
  const { call, createEndpoint } = portainerTestCalls(() => sim.url);

  beforeEach(async () => {
    sim = await PortainerSimulator.start({ latencyScale: 0 });
    agent = await startStandInAgent(AGENT_IP, 9001);
  });
  afterEach(async () => {
    await sim.stop();
    await agent.close();
  });

  it('answers 401 {message, details} without or with a wrong key', async () => {
    expect(await call('GET', '/endpoints', undefined, {})).toMatchObject({
      status: 401,
      type: 'application/json',
      body: {
        message: 'A valid authorization token is missing',
        details: 'Unauthorized',
      },
    });
    expect(
      await call('GET', '/endpoints', undefined, { 'X-API-Key': 'ptr_wrong' }),
    ).toMatchObject({
      status: 401,
      body: { message: 'Invalid JWT token', details: 'Unauthorized' },
    });
  });

  it('creates an agent environment after pinging the agent; responses match the contract', async () => {
    const created = await createEndpoint('env-a', `tcp://${AGENT_IP}:9001`);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      Name: 'env-a',
      Type: 2,
      URL: `tcp://${AGENT_IP}:9001`,
      GroupId: 1,
    });
    expect(contract.validate('portaineree.Endpoint', created.body)).toEqual([]);
    // the ping first, then the snapshot's Docker reads (the stand-in agent has no /info: Status 2)
    expect(agent.seen.map(s => `${s.method} ${s.path}`)[0]).toBe('GET /ping');
    expect(created.body.Status).toBe(2);
    expect(await createEndpoint('env-a', `tcp://${AGENT_IP}:9001`)).toEqual({
      status: 409,
      body: { message: 'Name is not unique', details: 'Name is not unique' },
    });
    const list = await call('GET', '/endpoints?name=env-a');
    expect(list.body).toHaveLength(1);
    expect(list.headers.get('x-total-count')).toBe('1');
    for (const e of list.body)
      expect(contract.validate('portaineree.Endpoint', e)).toEqual([]);
    expect((await call('GET', '/endpoints?name=env')).body).toEqual([]);
  });

  it('answers 500 when the agent does not answer, or answers wrongly', async () => {
    const refused = await createEndpoint('env-x', 'tcp://127.10.249.3:9001');
    expect(refused.status).toBe(500);
    expect(refused.body.message).toBe('Unable to get environment type');
    expect(refused.body.details).toContain('connection refused');
    const other = await startStandInAgent('127.10.249.4', 0, {
      ping: 'no-header',
    });
    const noHeader = await createEndpoint('env-y', other.url);
    await other.close();
    expect(noHeader).toMatchObject({
      status: 500,
      body: { details: 'Version Header is missing' },
    });
    const failing = await startStandInAgent('127.10.249.5', 0, {
      ping: 'status-500',
    });
    const bad = await createEndpoint('env-z', failing.url);
    await failing.close();
    expect(bad).toMatchObject({
      status: 500,
      body: { details: 'Failed request with status 500' },
    });
    expect(sim.state.endpoints).toEqual([]);
  });

  it('gives up on a hanging agent after 3 s', async () => {
    const hanging = await startStandInAgent('127.10.249.6', 0, {
      ping: 'hang',
    });
    const t0 = Date.now();
    const res = await createEndpoint('env-h', hanging.url);
    await hanging.close();
    expect(res.status).toBe(500);
    expect(res.body.details).toContain('Client.Timeout exceeded');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2900);
  });

  it('replaces the whole TeamAccessPolicies map on PUT', async () => {
    const { body: e } = await createEndpoint('env-b', `tcp://${AGENT_IP}:9001`);
    await call('PUT', `/endpoints/${e.Id}`, {
      teamAccessPolicies: { 1: { RoleId: 1 } },
    });
    const second = await call('PUT', `/endpoints/${e.Id}`, {
      TeamAccessPolicies: { 2: { RoleId: 1 } },
    });
    expect(second.body.TeamAccessPolicies).toEqual({ 2: { RoleId: 1 } });
    expect(contract.validate('portaineree.Endpoint', second.body)).toEqual([]);
    expect((await call('GET', '/endpoints/999')).body).toEqual({
      message:
        'Unable to find an environment with the specified identifier inside the database',
      details: 'Object not found inside the database',
    });
  });

  it('teams, memberships and users follow Portainer rules', async () => {
    const team = await call('POST', '/teams', { name: 'dev-team' });
    expect(contract.validate('portainer.Team', team.body)).toEqual([]);
    expect(await call('POST', '/teams', { Name: 'dev-team' })).toMatchObject({
      status: 409,
      body: {
        message: 'A team with the same name already exists',
        details: 'Team already exists',
      },
    });
    const m = await call('POST', '/team_memberships', {
      userID: 2,
      teamID: team.body.Id,
      role: 2,
    });
    expect(contract.validate('portainer.TeamMembership', m.body)).toEqual([]);
    expect(
      (
        await call('POST', '/team_memberships', {
          userID: 2,
          teamID: team.body.Id,
          role: 2,
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await call('POST', '/team_memberships', {
          userID: 2,
          teamID: team.body.Id,
          role: 3,
        })
      ).status,
    ).toBe(400);
    expect(
      (await call('GET', `/teams/${team.body.Id}/memberships`)).body,
    ).toHaveLength(1);
    expect(
      (await call('DELETE', `/team_memberships/${m.body.Id}`)).status,
    ).toBe(204);
    expect(
      (await call('DELETE', `/team_memberships/${m.body.Id}`)).status,
    ).toBe(404);
    const users = await call('GET', '/users');
    expect(users.body.map((u: any) => u.Username)).toEqual([
      'admin',
      'alice',
      'bob',
      'carol',
    ]);
    for (const u of users.body) {
      expect(u.Password).toBeUndefined();
      expect(contract.validate('portaineree.User', u)).toEqual([]);
    }
  });

  it('registries never return the password; endpoint registry access is stored', async () => {
    const body = {
      name: 'gitlab',
      type: 4,
      url: 'registry.gitlab.lab',
      authentication: true,
      username: 'bot',
      password: 's3cret!',
    };
    const reg = await call('POST', '/registries', body);
    expect(reg.status).toBe(200);
    expect(JSON.stringify(reg.body)).not.toContain('s3cret');
    expect(contract.validate('portaineree.Registry', reg.body)).toEqual([]);
    expect((await call('POST', '/registries', body)).body.message).toBe(
      'Another registry with the same name already exists',
    );
    const list = await call('GET', '/registries');
    expect(JSON.stringify(list.body)).not.toContain('s3cret');
    const { body: e } = await createEndpoint('env-r', `tcp://${AGENT_IP}:9001`);
    const put = await call(
      'PUT',
      `/endpoints/${e.Id}/registries/${reg.body.Id}`,
      { TeamAccessPolicies: { 1: {} } },
    );
    expect(put.status).toBe(204);
    expect(
      (await call('GET', `/registries/${reg.body.Id}`)).body.RegistryAccesses[
        e.Id
      ].TeamAccessPolicies,
    ).toEqual({
      1: { RoleId: 0 },
    });
    const state = await (
      await fetch(sim.url.replace(/\/api$/, '/_lab/state'))
    ).text();
    expect(state).not.toContain('s3cret');
  });

  it('forwards the Docker API to the agent: method, path, query, body, streaming', async () => {
    const { body: e } = await createEndpoint('env-d', `tcp://${AGENT_IP}:9001`);
    const list = await call(
      'GET',
      `/endpoints/${e.Id}/docker/containers/json?all=1`,
    );
    expect(list.body[0]).toMatchObject({ Id: 'abc123', all: '1' });
    const created = await call(
      'POST',
      `/endpoints/${e.Id}/docker/containers/create?name=web2`,
      { Image: 'nginx' },
    );
    expect(created).toMatchObject({
      status: 201,
      body: { echo: { Image: 'nginx' }, name: 'web2' },
    });
    const seen = agent.seen.find(s => s.path.startsWith('/containers/create'))!;
    expect(seen.headers['x-api-key']).toBeUndefined();
    const logs = await fetch(
      `${sim.url}/endpoints/${e.Id}/docker/containers/abc123/logs?follow=1`,
      { headers: PORTAINER_TEST_KEY },
    );
    expect(await logs.text()).toBe('line 1\nline 2\n');
    await agent.close();
    expect(
      (await call('GET', `/endpoints/${e.Id}/docker/containers/json`)).status,
    ).toBe(502);
    agent = await startStandInAgent(AGENT_IP, 9001);
  });

  it('authenticates with username/password and answers 422 on bad credentials', async () => {
    expect(
      await call('POST', '/auth', { username: 'admin', password: 'wrong' }, {}),
    ).toMatchObject({
      status: 422,
      body: { message: 'Invalid credentials' },
    });
    const ok = await call(
      'POST',
      '/auth',
      { username: 'admin', password: 'labAdminPassword1' },
      {},
    );
    expect(contract.validate('auth.authenticateResponse', ok.body)).toEqual([]);
    const teams = await call('GET', '/teams', undefined, {
      Authorization: `Bearer ${ok.body.jwt}`,
    });
    expect(teams.status).toBe(200);
  });
});
