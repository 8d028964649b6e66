import {
  PORTAINER_LAB_API_KEY,
  PortainerSimulator,
  startStandInAgent,
  type StandInAgent,
} from '@docker-env/lab';
import { PortainerClient } from '@docker-env/plugin-docker-env-node';
import { syncTeamsOnce, type TeamSyncEnvironment } from './syncTeams';

const AGENT_IP = '127.10.249.24';
const PREFIX = 'docker-env-';

describe('syncTeamsOnce (lab Portainer)', () => {
  let sim: PortainerSimulator;
  let agent: StandInAgent;
  let portainer: PortainerClient;
  const puts: Array<Record<string, unknown>> = [];
  /** The org in the catalog: owner ref -> its direct members' Portainer user names. */
  let org: Record<string, string[]>;
  const teams = async (owner: string) => ({ members: org[owner] ?? [] });

  beforeEach(async () => {
    puts.length = 0;
    sim = await PortainerSimulator.start({
      latencyScale: 0,
      users: ['alice', 'bob', 'carol', 'ops'].map(username => ({ username })),
    });
    agent = await startStandInAgent(AGENT_IP, 9001);
    portainer = new PortainerClient({
      baseUrl: sim.url,
      apiKey: PORTAINER_LAB_API_KEY,
      fetch: async (input, init) => {
        if (init?.method === 'PUT' && typeof init.body === 'string')
          puts.push(JSON.parse(init.body).teamAccessPolicies);
        return fetch(input, init);
      },
    });
  });
  afterEach(async () => {
    await sim.stop();
    await agent.close();
  });

  async function endpoint(name: string): Promise<number> {
    const { endpoint: e } = await portainer.createAgentEndpoint({
      name,
      ip: AGENT_IP,
      port: 9001,
      environmentId: name,
    });
    return e.id;
  }
  async function membersOf(teamName: string): Promise<string[]> {
    const team = (await portainer.listTeams()).find(t => t.name === teamName);
    if (!team) return [];
    const users = await portainer.listUsers();
    return (await portainer.listTeamMemberships(team.id))
      .map(m => users.find(u => u.id === m.userId)!.username)
      .sort();
  }
  async function teamsWithAccess(endpointId: number): Promise<string[]> {
    const all = await portainer.listTeams();
    const e = await portainer.getEndpoint(endpointId);
    return Object.keys(e.teamAccess)
      .map(id => all.find(t => t.id === Number(id))!.name)
      .sort();
  }
  const sync = (environments: TeamSyncEnvironment[]) =>
    syncTeamsOnce({ portainer, prefix: PREFIX, teams, environments });

  it('gives a user and a group of the same name different teams', async () => {
    org = { 'user:default/ops': ['ops'], 'group:default/ops': ['alice'] };
    const mine = await endpoint('ops-own');
    const groups = await endpoint('ops-group');
    await sync([
      { owner: 'user:default/ops', endpointId: mine },
      { owner: 'group:default/ops', endpointId: groups },
    ]);
    expect(await teamsWithAccess(mine)).toEqual([
      'docker-env-user:default/ops',
    ]);
    expect(await teamsWithAccess(groups)).toEqual([
      'docker-env-group:default/ops',
    ]);
    expect(await membersOf('docker-env-user:default/ops')).toEqual(['ops']);
    expect(await membersOf('docker-env-group:default/ops')).toEqual(['alice']);
  });

  it('follows the org: a removed member loses access in one pass, a new member gains it', async () => {
    org = { 'group:default/team-a': ['alice', 'bob', 'dave'] };
    const envs = [
      { owner: 'group:default/team-a', endpointId: await endpoint('a-1') },
      { owner: 'group:default/team-a', endpointId: await endpoint('a-2') },
    ];
    const first = await sync(envs);
    expect(await membersOf('docker-env-group:default/team-a')).toEqual([
      'alice',
      'bob',
    ]);
    // dave has no Portainer user yet: picked up by the first pass after his first login
    expect(first.notInPortainer).toEqual([
      { owner: 'group:default/team-a', user: 'dave' },
    ]);

    org = { 'group:default/team-a': ['alice', 'carol'] };
    const second = await sync(envs);
    expect(await membersOf('docker-env-group:default/team-a')).toEqual([
      'alice',
      'carol',
    ]);
    expect(
      second.changes.map(c => `${c.kind} ${c.user ?? c.endpointId}`),
    ).toEqual(['member-added carol', 'member-removed bob']);
    for (const e of envs)
      expect(await teamsWithAccess(e.endpointId)).toEqual([
        'docker-env-group:default/team-a',
      ]);

    // nothing changed: a pass changes nothing
    expect((await sync(envs)).changes).toEqual([]);
  });

  it('migrates a team of the old naming: the new team is granted before the old loses access, then the old is deleted', async () => {
    org = { 'group:default/team-a': ['alice'] };
    const id = await endpoint('old-1');
    const old = await portainer.ensureTeam('docker-env-team-a');
    const bob = (await portainer.findUserByUsername('bob'))!;
    await portainer.addTeamMember(old.id, bob.id, 2);
    await portainer.grantTeamAccess(id, old.id);
    puts.length = 0;

    const report = await sync([
      { owner: 'group:default/team-a', endpointId: id },
    ]);

    expect(await teamsWithAccess(id)).toEqual([
      'docker-env-group:default/team-a',
    ]);
    expect((await portainer.listTeams()).map(t => t.name)).toEqual([
      'docker-env-group:default/team-a',
    ]);
    // bob was in the old team only by the old name's collision: the new team holds the owner's members
    expect(await membersOf('docker-env-group:default/team-a')).toEqual([
      'alice',
    ]);
    // every access map written holds a team of this owner: never a moment without access
    expect(puts.length).toBe(2);
    expect(puts[0]).toEqual({
      [String(old.id)]: { RoleId: 1 },
      [String(old.id + 1)]: { RoleId: 1 },
    });
    expect(report.changes.map(c => c.kind)).toEqual([
      'team-created',
      'member-added',
      'access-granted',
      'access-revoked',
      'team-deleted',
    ]);
  });

  it('keeps an old-named team another environment still grants', async () => {
    org = { 'group:default/ops': ['alice'], 'user:default/ops': ['ops'] };
    const g = await endpoint('g-1');
    const u = await endpoint('u-1');
    const old = await portainer.ensureTeam('docker-env-ops');
    await portainer.grantTeamAccess(g, old.id);
    await portainer.grantTeamAccess(u, old.id);
    // only the group's environment is known to this pass
    await sync([{ owner: 'group:default/ops', endpointId: g }]);
    expect(await teamsWithAccess(g)).toEqual(['docker-env-group:default/ops']);
    expect(await teamsWithAccess(u)).toEqual(['docker-env-ops']);
  });
});
