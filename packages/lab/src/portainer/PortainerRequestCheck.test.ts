import { PortainerSimulator } from './PortainerSimulator';
import { StandInAgent, startStandInAgent } from './standInAgent';
import { portainerTestCalls } from './testing';

const AGENT_A = '127.10.250.1';
const AGENT_B = '127.10.250.2';

describe('PortainerSimulator checks requests against the Portainer contract', () => {
  let sim: PortainerSimulator;
  let agents: StandInAgent[] = [];
  const { call, createEndpoint } = portainerTestCalls(() => sim.url);

  afterEach(async () => {
    await sim.stop();
    await Promise.all(agents.map(a => a.close()));
    agents = [];
  });

  describe('as Portainer answers', () => {
    beforeEach(async () => {
      sim = await PortainerSimulator.start({ latencyScale: 0 });
      agents = [await startStandInAgent(AGENT_A, 9001)];
    });

    it('answers gorilla/mux 404 and 405 before authentication, 501 for what the lab lacks', async () => {
      expect(await call('GET', '/endpointz', undefined, {})).toMatchObject({
        status: 404,
        body: '404 page not found\n',
      });
      const wrong = await call('PATCH', '/endpoints/1', {}, {});
      expect(wrong.status).toBe(405);
      expect(wrong.body).toBeUndefined();
      const lacking = await call('PUT', '/teams/1', { name: 'x' });
      expect(lacking.status).toBe(501);
      expect(lacking.body.details).toMatch(/^Lab: PUT \/teams\/\{id\}/);
      // the documented extension (the Docker proxy) is not refused as unknown
      expect((await call('GET', '/endpoints/9/docker/_ping')).status).toBe(404);
    });

    it('answers Go decoding errors for mistyped fields and changes nothing', async () => {
      const { body: e } = await createEndpoint(
        'env-a',
        `tcp://${AGENT_A}:9001`,
      );
      expect(await call('PUT', `/endpoints/${e.Id}`, { name: 7 })).toEqual(
        expect.objectContaining({
          status: 400,
          body: {
            message: 'Invalid request payload',
            details:
              'Json: cannot unmarshal number into Go struct field endpointUpdatePayload.name of type string',
          },
        }),
      );
      expect((await call('GET', `/endpoints/${e.Id}`)).body.Name).toBe('env-a');
      const bad = await call('GET', '/endpoints', undefined);
      expect(bad.status).toBe(200);
      // Go field names match any case: the UI's PascalCase is the same field
      const pascal = await call('PUT', `/endpoints/${e.Id}`, {
        TeamAccessPolicies: { '3': { RoleId: 0 } },
      });
      expect(pascal.status).toBe(200);
      expect(sim.contractDrift).toEqual([]);
    });

    it('catches a drifting client: unknown body fields, query parameters and form fields are refused and recorded', async () => {
      const { body: e } = await createEndpoint(
        'env-a',
        `tcp://${AGENT_A}:9001`,
      );
      const typo = await call('PUT', `/endpoints/${e.Id}`, {
        teamAccessPolicy: { '3': { RoleId: 0 } },
      });
      expect(typo.status).toBe(400);
      expect(typo.body.details).toMatch(
        /^Lab: json field "teamAccessPolicy" is not in endpoints.endpointUpdatePayload/,
      );
      expect((await call('GET', '/endpoints?nmae=env-a')).status).toBe(400);
      const form = await createEndpoint('env-b', `tcp://${AGENT_A}:9001`, {
        GroupId: '1',
      });
      expect(form.status).toBe(400);
      expect(form.body.details).toMatch(/form field "GroupId"/);
      expect((await call('GET', '/endpoints')).body).toHaveLength(1);
      expect(sim.contractDrift.map(d => `${d.method} ${d.field}`)).toEqual([
        'PUT teamAccessPolicy',
        'GET nmae',
        'POST GroupId',
      ]);
    });
  });

  it('with unknownInput "ignore" answers as Portainer (ignores) and still records the drift', async () => {
    sim = await PortainerSimulator.start({
      latencyScale: 0,
      unknownInput: 'ignore',
    });
    agents = [await startStandInAgent(AGENT_A, 9001)];
    const { body: e } = await createEndpoint('env-a', `tcp://${AGENT_A}:9001`);
    const typo = await call('PUT', `/endpoints/${e.Id}`, {
      teamAccessPolicy: { '3': { RoleId: 0 } },
    });
    expect(typo.status).toBe(200);
    expect(typo.body.TeamAccessPolicies).toEqual({});
    expect(sim.contractDrift.map(d => d.field)).toEqual(['teamAccessPolicy']);
  });

  it('PUT /endpoints/{id} with url points the environment, and its Docker proxy, at a new agent address', async () => {
    sim = await PortainerSimulator.start({ latencyScale: 0 });
    agents = [
      await startStandInAgent(AGENT_A, 9001),
      await startStandInAgent(AGENT_B, 9001),
    ];
    const { body: e } = await createEndpoint('env-a', `tcp://${AGENT_A}:9001`);
    const moved = await call('PUT', `/endpoints/${e.Id}`, {
      url: `tcp://${AGENT_B}:9001`,
    });
    expect(moved.status).toBe(200);
    expect(moved.body.URL).toBe(`tcp://${AGENT_B}:9001`);
    expect((await call('GET', `/endpoints/${e.Id}`)).body.URL).toBe(
      `tcp://${AGENT_B}:9001`,
    );
    const before = agents[0].seen.length;
    await call('GET', `/endpoints/${e.Id}/docker/containers/json`);
    expect(agents[0].seen.length).toBe(before);
    expect(agents[1].seen.map(s => s.path)).toContain('/containers/json');
  });
});
