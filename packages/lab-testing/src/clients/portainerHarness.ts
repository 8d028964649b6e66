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
import { PortainerClient } from '@docker-env/plugin-docker-env-node';

/** The address of the stand-in Portainer agent every test starts. */
export const AGENT_IP = '127.10.249.2';

const JSON_SCHEMAS: Record<string, string> = {
  'POST /api/teams': 'teams.teamCreatePayload',
  'POST /api/team_memberships': 'teammemberships.teamMembershipCreatePayload',
  'PUT /api/endpoints/{id}': 'endpoints.endpointUpdatePayload',
  'POST /api/registries': 'registries.registryCreatePayload',
};

/**
 * A fresh Portainer simulator and stand-in agent per test (registers the hooks), and a client whose every request is
 * recorded in `sent`, its JSON bodies and multipart forms checked against the pinned contract.
 */
export function portainerHarness() {
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

  beforeEach(async () => {
    sent.length = 0;
    sim = await PortainerSimulator.start({ latencyScale: 0 });
    agent = await startStandInAgent(AGENT_IP, 9001);
  });
  afterEach(async () => {
    await sim.stop();
    await agent.close();
  });

  return {
    get sim() {
      return sim;
    },
    get agent() {
      return agent;
    },
    sent,
    recordingFetch,
    client: (apiKey = PORTAINER_LAB_API_KEY) =>
      new PortainerClient({ baseUrl: sim.url, apiKey, fetch: recordingFetch }),
  };
}
