import type { PortainerRegistry } from '@docker-env/plugin-docker-env-node';
import type { OwnerRegistry } from './config';
import { judgeRegistries } from './judge';

const teamA: OwnerRegistry = {
  name: 'team-a',
  portainerName: 'docker-env-registry-team-a',
  owner: 'group:default/team-a',
  url: 'gitlab.example.com:5050',
  username: 'deploy-a',
  password: 'secret',
};
const held = (over: Partial<PortainerRegistry> = {}): PortainerRegistry => ({
  id: 7,
  name: 'docker-env-registry-team-a',
  type: 3,
  url: 'gitlab.example.com:5050',
  authentication: true,
  username: 'deploy-a',
  access: {},
  ...over,
});
const teams = [
  { id: 1, name: 'docker-env-group:default/team-a' },
  { id: 2, name: 'docker-env-group:default/team-b' },
  { id: 3, name: 'ops' },
];
const environments = [
  {
    owner: 'group:default/team-a',
    endpointId: 10,
    environmentId: 'a',
    name: 'a',
  },
  {
    owner: 'group:default/team-b',
    endpointId: 20,
    environmentId: 'b',
    name: 'b',
  },
];
const judge = (h: PortainerRegistry[], registries = [teamA]) =>
  judgeRegistries({
    registries,
    prefix: 'docker-env-',
    environments,
    held: h,
    teams,
  });

describe('judgeRegistries', () => {
  it('finds nothing when each owner environment grants exactly its team', () => {
    expect(
      judge([held({ access: { 10: { teamIds: [1, 3], userIds: [5] } } })]),
    ).toEqual([]);
  });

  it('a missing registry, a missing grant, a changed user, a foreign grant and a withdrawn registry', () => {
    expect(judge([]).map(f => f.kind)).toEqual(['registry_missing']);
    const found = judge([
      held({
        username: 'old',
        access: { 20: { teamIds: [1, 2, 3], userIds: [] } },
      }),
      held({ id: 8, name: 'docker-env-registry-gone' }),
      held({ id: 9, name: 'someone-elses' }),
    ]);
    expect(found).toEqual([
      {
        kind: 'registry_withdrawn',
        registryId: 8,
        name: 'docker-env-registry-gone',
      },
      expect.objectContaining({ kind: 'registry_changed', registryId: 7 }),
      expect.objectContaining({
        kind: 'registry_access_missing',
        teamId: 1,
        environment: environments[0],
      }),
      // on team-b's environment both our teams are foreign; the admin's own team `ops` is not ours to judge
      expect.objectContaining({
        kind: 'registry_access_foreign',
        endpointId: 20,
        teamIds: [1, 2],
      }),
    ]);
  });

  it('leaves grants on endpoints it has no record of (an environment being provisioned)', () => {
    expect(
      judge([
        held({
          access: {
            10: { teamIds: [1], userIds: [] },
            99: { teamIds: [2], userIds: [] },
          },
        }),
      ]),
    ).toEqual([]);
  });
});
