import type { Entity } from '@backstage/catalog-model';

const user = (
  name: string,
  annotations?: Record<string, string>,
  team = 'team-a',
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default', ...(annotations && { annotations }) },
  spec: { memberOf: [team] },
  relations: [{ type: 'memberOf', targetRef: `group:default/${team}` }],
});

const group = (name: string, members: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [], members },
  relations: members.map(n => ({
    type: 'hasMember',
    targetRef: `user:default/${n}`,
  })),
});

/**
 * The test org as the catalog holds it after processing: team-a has alice, carol and zoe (zoe has
 * never logged in to Portainer), with the relations the catalog computes.
 */
export const TEAM_A_CATALOG: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a', namespace: 'default' },
    spec: { type: 'team', children: [], members: ['alice', 'carol', 'zoe'] },
    relations: ['alice', 'carol', 'zoe'].map(n => ({
      type: 'hasMember',
      targetRef: `user:default/${n}`,
    })),
  },
  user('alice'),
  user('carol'),
  user('zoe'),
];

/** The whole test org of `TEST_GROUPS` (team-a, bob in team-b, root in platform-team): the test backend's catalog. */
export const TEST_ORG_CATALOG: Entity[] = [
  ...TEAM_A_CATALOG,
  group('team-b', ['bob']),
  group('platform-team', ['root']),
  user('bob', undefined, 'team-b'),
  user('root', undefined, 'platform-team'),
];
