import { ConfigReader } from '@backstage/config';
import {
  PORTAINER_LAB_API_KEY,
  PortainerSimulator,
  startStandInAgent,
  type StandInAgent,
} from '@docker-env/lab';
import { PortainerClient } from '@docker-env/plugin-docker-env-node';
import type { Environment } from '@docker-env/plugin-docker-env-common';
import type { AuditEntry } from '../audit/AuditStore';
import { judgeRegistryDrift, runRegistrySync } from './registrySync';

const AGENT_IP = '127.10.249.28';
const REGISTRY = {
  name: 'team-a-gitlab',
  owner: 'group:default/team-a',
  url: 'gitlab.example.com:5050',
  username: 'gitlab+deploy-token-1',
  password: 'gldt-one',
};

describe('the registry sync over the lab Portainer', () => {
  let sim: PortainerSimulator;
  let agent: StandInAgent;
  let portainer: PortainerClient;
  const audit: AuditEntry[] = [];
  const environments: Environment[] = [];
  let endpointId: number;
  let teamId: number;

  beforeEach(async () => {
    audit.length = 0;
    environments.length = 0;
    sim = await PortainerSimulator.start({ latencyScale: 0 });
    agent = await startStandInAgent(AGENT_IP, 9001);
    portainer = new PortainerClient({
      baseUrl: sim.url,
      apiKey: PORTAINER_LAB_API_KEY,
    });
    ({
      endpoint: { id: endpointId },
    } = await portainer.createAgentEndpoint({
      name: 'a-1',
      ip: AGENT_IP,
      environmentId: 'id-a-1',
    }));
    ({ id: teamId } = await portainer.ensureTeam(
      'docker-env-group:default/team-a',
    ));
    environments.push({
      id: 'id-a-1',
      name: 'a-1',
      owner: 'group:default/team-a',
      status: 'ready',
      portainerEndpointId: endpointId,
    } as Environment);
  });
  afterEach(async () => {
    await sim.stop();
    await agent.close();
  });

  const deps = (registries: object[]) => ({
    config: new ConfigReader({ dockerEnv: { registries } } as any),
    store: {
      findEnvironments: async () => environments,
      appendAudit: async (e: AuditEntry) => {
        audit.push(e);
        return e as any;
      },
    },
    portainer: () => portainer,
  });
  const actions = () => audit.map(e => `${e.action} ${e.target}`);

  it('registers once, grants the owner team, rotates, withdraws; every change audited without the secret', async () => {
    const fingerprints = new Map<string, string>();
    await runRegistrySync(deps([REGISTRY]), fingerprints);
    expect(actions()).toEqual([
      'portainer.registry.registry-created docker-env-registry-team-a-gitlab',
      'portainer.registry.access-granted docker-env-registry-team-a-gitlab',
    ]);
    expect(audit[1].environmentId).toBe('id-a-1');
    const reg = sim.state.registries[0];
    expect(reg.RegistryAccesses[String(endpointId)].TeamAccessPolicies).toEqual(
      { [teamId]: { RoleId: 0 } },
    );

    audit.length = 0;
    await runRegistrySync(deps([REGISTRY]), fingerprints);
    expect(actions()).toEqual([]);
    expect(await judgeRegistryDrift(deps([REGISTRY]))).toEqual([]);

    await runRegistrySync(
      deps([{ ...REGISTRY, password: 'gldt-two' }]),
      fingerprints,
    );
    expect(actions()).toEqual([
      'portainer.registry.registry-updated docker-env-registry-team-a-gitlab',
    ]);
    expect(reg.Password).toBe('gldt-two');
    expect(reg.RegistryAccesses[String(endpointId)].TeamAccessPolicies).toEqual(
      { [teamId]: { RoleId: 0 } },
    );
    expect(JSON.stringify(audit)).not.toContain('gldt');

    audit.length = 0;
    await runRegistrySync(deps([]), fingerprints);
    expect(actions()).toEqual([
      'portainer.registry.registry-deleted docker-env-registry-team-a-gitlab',
    ]);
    expect(sim.state.registries).toEqual([]);
  });

  it('judges drift: a grant taken away in the GUI, and a registry no longer configured', async () => {
    await runRegistrySync(deps([REGISTRY]), new Map());
    const id = sim.state.registries[0].Id;
    await portainer.revokeRegistryAccess(endpointId, id, [teamId]);
    expect(
      (await judgeRegistryDrift(deps([REGISTRY]))).map(f => f.kind),
    ).toEqual(['registry_access_missing']);
    expect((await judgeRegistryDrift(deps([]))).map(f => f.kind)).toEqual([
      'registry_withdrawn',
    ]);
    // a registry without our mark is never judged nor deleted
    await portainer.ensureRegistry({
      name: 'admins-own',
      type: 3,
      url: 'other.example.com',
    });
    await runRegistrySync(deps([]), new Map());
    expect(sim.state.registries.map(r => r.Name)).toEqual(['admins-own']);
  });
});
