import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { gitlabSignInModule } from '.';

/** A GitLab on loopback: the OAuth token endpoint and `GET /api/v4/user` answering as `profile`. */
async function fakeGitlab(profile: () => Record<string, unknown>) {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.method === 'POST' && req.url === '/oauth/token') {
      res.end(
        JSON.stringify({
          access_token: 'gitlab-access-token',
          refresh_token: 'gitlab-refresh-token',
          token_type: 'bearer',
          expires_in: 7200,
          scope: 'read_user',
        }),
      );
    } else if (req.url?.startsWith('/api/v4/user')) {
      res.end(JSON.stringify(profile()));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
}

/** The auth backend with this module, on `auth` config and a catalog of `entities`; returns its /gitlab URL. */
async function startAuth(auth: Record<string, unknown>, entities: Entity[]) {
  const { server } = await startTestBackend({
    features: [
      authPlugin,
      gitlabSignInModule,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://127.0.0.1:3000' },
          auth: { session: { secret: 'test-session-secret' }, ...auth },
        },
      }),
    ],
  });
  return `http://127.0.0.1:${server.port()}/api/auth/gitlab`;
}

/** Start, then GitLab's redirect back with a code: the web message the handler answers with. */
async function signIn(base: string) {
  const start = await fetch(`${base}/start?env=production`, {
    redirect: 'manual',
  });
  const state = new URL(start.headers.get('location')!).searchParams.get(
    'state',
  )!;
  const nonce = start.headers
    .getSetCookie()
    .map(c => c.split(';')[0])
    .find(c => /^gitlab-nonce=./.test(c))!; // the first one clears an old nonce
  const frame = await fetch(
    `${base}/handler/frame?code=abc&state=${encodeURIComponent(state)}`,
    { headers: { cookie: nonce } },
  );
  const html = await frame.text();
  const data = html.match(/decodeURIComponent\('([^']*)'\)/)![1];
  return JSON.parse(decodeURIComponent(data));
}

const alice: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'alice', namespace: 'default' },
  spec: { profile: { email: 'alice@docker-env.test' }, memberOf: ['team-a'] },
  relations: [{ type: 'memberOf', targetRef: 'group:default/team-a' }],
};

describe('gitlabSignInModule', () => {
  let gitlab: Awaited<ReturnType<typeof fakeGitlab>>;
  let profile: Record<string, unknown>;

  beforeAll(async () => {
    gitlab = await fakeGitlab(() => profile);
  });
  afterAll(
    () => new Promise<void>(r => (gitlab.server as Server).close(() => r())),
  );

  const production = () => ({
    environment: 'production',
    providers: {
      gitlab: {
        production: {
          clientId: 'portal-app',
          clientSecret: 'portal-secret',
          audience: gitlab.url,
        },
      },
    },
  });

  it('sends the browser to the configured (self-hosted) GitLab', async () => {
    const base = await startAuth(production(), [alice]);
    const res = await fetch(`${base}/start?env=production`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(
      `${gitlab.url}/oauth/authorize`,
    );
    expect(location.searchParams.get('client_id')).toBe('portal-app');
    expect(location.searchParams.get('scope')).toContain('read_user');
  });

  it('signs a GitLab user in as the catalog user found by email, with the catalog ownership refs', async () => {
    profile = { id: 7, username: 'a.smith', email: 'alice@docker-env.test' };
    const base = await startAuth(production(), [alice]);
    const message = await signIn(base);
    expect(message.error).toBeUndefined();
    const identity = message.response.backstageIdentity;
    expect(identity.identity).toMatchObject({
      userEntityRef: 'user:default/alice',
      ownershipEntityRefs: ['user:default/alice', 'group:default/team-a'],
    });
    const claims = JSON.parse(
      Buffer.from(identity.token.split('.')[1], 'base64url').toString(),
    );
    expect(claims.sub).toBe('user:default/alice');
  });

  it('refuses a GitLab user the catalog does not know, naming the username and email', async () => {
    profile = { id: 8, username: 'mallory', email: 'mallory@example.test' };
    const base = await startAuth(production(), [alice]);
    const message = await signIn(base);
    expect(message.response).toBeUndefined();
    expect(message.error.name).toBe('NotFoundError');
    expect(message.error.message).toContain(
      'no catalog user for GitLab username "mallory" and email "mallory@example.test"',
    );
  });

  it('without auth.providers.gitlab the backend starts and /api/auth/gitlab answers 404', async () => {
    const base = await startAuth({ environment: 'development' }, []);
    const res = await fetch(`${base}/start?env=development`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(404);
  });
});
