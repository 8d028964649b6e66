import type { Entity } from '@backstage/catalog-model';

const user = (name: string, annotations?: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default', ...(annotations && { annotations }) },
  spec: { memberOf: ['team-a'] },
  relations: [{ type: 'memberOf', targetRef: 'group:default/team-a' }],
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
