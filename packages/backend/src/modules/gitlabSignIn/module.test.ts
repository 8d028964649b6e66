import authPlugin from '@backstage/plugin-auth-backend';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { gitlabSignInModule } from '.';

/** The auth backend with this module, on `auth` config; returns the URL of GET /api/auth/gitlab/start. */
async function startAuth(auth: Record<string, unknown>) {
  const { server } = await startTestBackend({
    features: [
      authPlugin,
      gitlabSignInModule,
      catalogServiceMock.factory(),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://127.0.0.1:3000' },
          auth: { session: { secret: 'test-session-secret' }, ...auth },
        },
      }),
    ],
  });
  const base = `http://127.0.0.1:${server.port()}/api/auth/gitlab`;
  return (query: string) =>
    fetch(`${base}/start?${query}`, { redirect: 'manual' });
}

describe('gitlabSignInModule', () => {
  it('registers the GitLab provider against the configured (self-hosted) GitLab', async () => {
    const start = await startAuth({
      environment: 'production',
      providers: {
        gitlab: {
          production: {
            clientId: 'portal-app',
            clientSecret: 'portal-secret',
            audience: 'https://gitlab.example.test',
          },
        },
      },
    });
    const res = await start('env=production');
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(
      'https://gitlab.example.test/oauth/authorize',
    );
    expect(location.searchParams.get('client_id')).toBe('portal-app');
    expect(location.searchParams.get('scope')).toContain('read_user');
  });

  it('without auth.providers.gitlab the backend starts and /api/auth/gitlab answers 404', async () => {
    const start = await startAuth({ environment: 'development' });
    const res = await start('env=development');
    expect(res.status).toBe(404);
  });
});
