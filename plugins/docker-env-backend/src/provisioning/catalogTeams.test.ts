import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { catalogTeamResolver } from './catalogTeams';
import { TEAM_A_CATALOG } from '@docker-env/lab-testing/backend/catalog';

describe('catalogTeamResolver', () => {
  const resolve = catalogTeamResolver({
    catalog: catalogServiceMock({
      entities: [
        ...TEAM_A_CATALOG,
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'User',
          metadata: {
            name: 'dave',
            namespace: 'default',
            annotations: { 'docker-env.io/portainer-username': 'd.smith' },
          },
          spec: {},
        },
      ],
    }),
    auth: mockServices.auth(),
  });

  it("gives a group's team its direct user members from the catalog", async () => {
    expect(await resolve('group:default/team-a')).toEqual({
      members: ['alice', 'carol', 'zoe'],
    });
  });

  it('gives a user a team of one, under the Portainer name the annotation sets', async () => {
    expect(await resolve('user:default/alice')).toEqual({
      members: ['alice'],
    });
    expect(await resolve('user:default/dave')).toEqual({
      members: ['d.smith'],
    });
  });

  it('refuses an owner the catalog does not know', async () => {
    await expect(resolve('group:default/nobody')).rejects.toThrow(
      'owner group:default/nobody is not in the catalog',
    );
  });
});
