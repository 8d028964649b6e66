import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  PORTAINER_LAB_API_KEY,
  PortainerSimulator,
  startStandInAgent,
  type StandInAgent,
} from '@docker-env/lab';
import { PortainerClient } from '@docker-env/plugin-docker-env-node';
import type { Environment } from '@docker-env/plugin-docker-env-common';
import { catalogTeamResolver } from '../provisioning';
import type { AuditEntry } from '../audit/AuditStore';
import {
  runTeamSync,
  scheduleTeamSync,
  TEAM_SYNC_TASK_ID,
  teamSyncScheduleFromConfig,
} from './scheduleTeamSync';

const AGENT_IP = '127.10.249.25';

/** A processed catalog: each group's direct members as `hasMember` relations. */
function org(groups: Record<string, string[]>): Entity[] {
  const users = [...new Set(Object.values(groups).flat())];
  return [
    ...Object.entries(groups).map(([name, members]) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name, namespace: 'default' },
      spec: { type: 'team', children: [] },
      relations: members.map(n => ({
        type: 'hasMember',
        targetRef: `user:default/${n}`,
      })),
    })),
    ...users.map(name => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name, namespace: 'default' },
      spec: {},
    })),
  ];
}

describe('the team sync over the catalog and the lab Portainer', () => {
  let sim: PortainerSimulator;
  let agent: StandInAgent;
  let portainer: PortainerClient;
  let catalog: Entity[];
  const audit: AuditEntry[] = [];
  const environments: Environment[] = [];
  const config = new ConfigReader({});

  beforeEach(async () => {
    audit.length = 0;
    environments.length = 0;
    sim = await PortainerSimulator.start({ latencyScale: 0 });
    agent = await startStandInAgent(AGENT_IP, 9001);
    portainer = new PortainerClient({
      baseUrl: sim.url,
      apiKey: PORTAINER_LAB_API_KEY,
    });
  });
  afterEach(async () => {
    await sim.stop();
    await agent.close();
  });

  async function environment(name: string, owner: string) {
    const { endpoint } = await portainer.createAgentEndpoint({
      name,
      ip: AGENT_IP,
      port: 9001,
      environmentId: `id-${name}`,
    });
    environments.push({
      id: `id-${name}`,
      name,
      owner,
      status: 'ready',
      portainerEndpointId: endpoint.id,
    } as Environment);
    return endpoint.id;
  }
  const pass = () =>
    runTeamSync({
      config,
      store: {
        findEnvironments: async () => environments,
        appendAudit: async (e: AuditEntry) => {
          audit.push(e);
          return e as any;
        },
      },
      // a fresh catalog view each pass: the org as ingested now
      teams: owner =>
        catalogTeamResolver({
          catalog: catalogServiceMock({ entities: catalog }),
          auth: mockServices.auth(),
        })(owner),
      portainer: () => portainer,
    });
  async function canReach(endpointId: number): Promise<string[]> {
    const e = await portainer.getEndpoint(endpointId);
    const users = await portainer.listUsers();
    const names = new Set<string>();
    for (const teamId of Object.keys(e.teamAccess))
      for (const m of await portainer.listTeamMemberships(Number(teamId)))
        names.add(users.find(u => u.id === m.userId)!.username);
    return [...names].sort();
  }

  it('a member removed from the group loses access in one pass, a new member gains it, each change audited', async () => {
    catalog = org({ 'team-a': ['alice', 'bob'] });
    const a1 = await environment('a-1', 'group:default/team-a');
    const a2 = await environment('a-2', 'group:default/team-a');
    await pass();
    expect(await canReach(a1)).toEqual(['alice', 'bob']);

    catalog = org({ 'team-a': ['alice', 'carol'] });
    audit.length = 0;
    await pass();
    expect(await canReach(a1)).toEqual(['alice', 'carol']);
    expect(await canReach(a2)).toEqual(['alice', 'carol']);
    expect(
      audit.map(e => `${e.actor} ${e.action} ${e.target} ${e.details?.user}`),
    ).toEqual([
      'plugin:docker-env/team-sync portainer.team.member-added docker-env-group:default/team-a carol',
      'plugin:docker-env/team-sync portainer.team.member-removed docker-env-group:default/team-a bob',
    ]);
  });

  it('ignores environments not registered in Portainer or deleted', async () => {
    catalog = org({ 'team-a': ['alice'] });
    const live = await environment('live', 'group:default/team-a');
    environments.push({
      id: 'gone',
      name: 'gone',
      owner: 'group:default/team-a',
      status: 'deleted',
      portainerEndpointId: 999,
    } as Environment);
    const report = await pass();
    expect(report.failed).toEqual([]);
    expect(await canReach(live)).toEqual(['alice']);
  });

  it('is scheduled once across replicas, every 10 minutes by default, dockerEnv.teamSync configurable', async () => {
    const tasks: any[] = [];
    await scheduleTeamSync({
      config,
      scheduler: { scheduleTask: async (t: any) => tasks.push(t) } as any,
      logger: mockServices.logger.mock(),
      store: {} as any,
      teams: async () => ({ members: [] }),
    });
    expect(tasks).toEqual([
      expect.objectContaining({
        id: TEAM_SYNC_TASK_ID,
        scope: 'global',
        frequency: { minutes: 10 },
      }),
    ]);
    const of = (teamSync: object) =>
      teamSyncScheduleFromConfig(new ConfigReader({ dockerEnv: { teamSync } }));
    expect(of({ frequency: 'PT2M' }).frequency).toEqual({ minutes: 2 });
    expect(of({ enabled: false }).enabled).toBe(false);
  });
});
