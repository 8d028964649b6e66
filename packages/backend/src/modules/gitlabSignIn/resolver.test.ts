import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { AuthResolverContext } from '@backstage/plugin-auth-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { gitlabCatalogSignInResolver } from './resolver';

/*
 * The auth backend's own resolver context (the one the router hands to providers; it is not exported), so the
 * catalog lookups, their NotFound/Conflict errors and the ownership refs are Backstage's. Only the catalog
 * (in memory) and the token issuer are test doubles.
 */
const {
  CatalogAuthResolverContext,
} = require('@backstage/plugin-auth-backend/dist/lib/resolvers/CatalogAuthResolverContext.cjs.js');

function user(
  name: string,
  email: string,
  opts: { groups?: string[]; annotations?: Record<string, string> } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default', annotations: opts.annotations },
    spec: { profile: { email }, memberOf: opts.groups ?? [] },
    relations: (opts.groups ?? []).map(g => ({
      type: 'memberOf',
      targetRef: `group:default/${g}`,
    })),
  };
}

function setup(entities: Entity[]) {
  const issued: Array<{ sub: string; ent: string[] }> = [];
  const ctx: AuthResolverContext = CatalogAuthResolverContext.create({
    logger: mockServices.logger.mock(),
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    tokenIssuer: {
      async issueToken({ claims }: { claims: { sub: string; ent: string[] } }) {
        issued.push(claims);
        return { token: `token-for-${claims.sub}` };
      },
    },
    userInfo: { addUserInfo: async () => {} },
  });
  return { ctx, issued };
}

function signIn(ctx: AuthResolverContext, username?: string, email?: string) {
  return gitlabCatalogSignInResolver(
    {
      profile: { email },
      result: {
        fullProfile: {
          provider: 'gitlab',
          id: '42',
          displayName: username ?? 'someone',
          username,
          emails: email ? [{ value: email }] : undefined,
        },
        session: {
          accessToken: 'a',
          tokenType: 'bearer',
          scope: 'read_user',
          expiresInSeconds: 3600,
        },
      },
    },
    ctx,
  );
}

const alice = user('alice', 'alice@docker-env.test', { groups: ['team-a'] });
const bob = user('bob', 'bob@docker-env.test', {
  groups: ['team-a', 'platform-team'],
});

describe('gitlabCatalogSignInResolver', () => {
  it('finds the catalog user by GitLab username and issues the catalog ownership refs', async () => {
    const { ctx, issued } = setup([alice, bob]);
    const result = await signIn(ctx, 'bob', 'bob.other@example.test');
    expect(result.token).toBe('token-for-user:default/bob');
    expect(issued).toEqual([
      {
        sub: 'user:default/bob',
        ent: [
          'user:default/bob',
          'group:default/team-a',
          'group:default/platform-team',
        ],
      },
    ]);
  });

  it('finds the catalog user by the gitlab.com/user-login annotation', async () => {
    const carol = user('c.miller', 'carol@docker-env.test', {
      annotations: { 'gitlab.com/user-login': 'carol' },
    });
    const { ctx, issued } = setup([alice, carol]);
    await signIn(ctx, 'carol', 'carol.private@example.test');
    expect(issued.map(c => c.sub)).toEqual(['user:default/c.miller']);
  });

  it('finds the catalog user by email when no user has the GitLab username', async () => {
    const { ctx, issued } = setup([alice, bob]);
    await signIn(ctx, 'alice.gitlab', 'Alice@docker-env.test');
    expect(issued).toEqual([
      {
        sub: 'user:default/alice',
        ent: ['user:default/alice', 'group:default/team-a'],
      },
    ]);
  });

  it('refuses an unknown user with an error naming the username and email tried', async () => {
    const { ctx, issued } = setup([alice, bob]);
    const error = await signIn(ctx, 'mallory', 'mallory@example.test').catch(
      e => e,
    );
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toContain('"mallory"');
    expect(error.message).toContain('"mallory@example.test"');
    expect(issued).toEqual([]);
  });

  it('refuses a profile with neither username nor email', async () => {
    const { ctx, issued } = setup([alice]);
    await expect(signIn(ctx)).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(issued).toEqual([]);
  });

  it('refuses when two catalog users have the email and none the username', async () => {
    const twin = user('alice2', 'alice@docker-env.test');
    const { ctx, issued } = setup([alice, twin]);
    const error = await signIn(ctx, 'ally', 'alice@docker-env.test').catch(
      e => e,
    );
    expect(error.name).toBe('ConflictError');
    expect(error.message).toContain('more than one catalog user');
    expect(error.message).toContain('alice@docker-env.test');
    expect(issued).toEqual([]);
  });
});
