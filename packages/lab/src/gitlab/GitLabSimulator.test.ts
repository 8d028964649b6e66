import { createHash } from 'node:crypto';
import { GitLabSimulator } from './GitLabSimulator';
import { labGitLabSetup } from './labGitLab';

const REDIRECT = 'http://localhost:7007/api/auth/gitlab/handler/frame';

/** A browser-like client: keeps cookies, follows nothing by itself (each redirect is asserted). */
function client(base: string) {
  const jar = new Map<string, string>();
  return async (path: string, init: RequestInit = {}) => {
    const res = await fetch(new URL(path, base), {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const [kv] = c.split(';');
      const i = kv.indexOf('=');
      jar.set(kv.slice(0, i), kv.slice(i + 1));
    }
    return res;
  };
}

describe('the lab GitLab as OAuth provider', () => {
  let gitlab: GitLabSimulator;
  const setup = labGitLabSetup(true, { redirectUris: [REDIRECT] });
  const app = setup.applications[0];
  const alice = setup.users.find(u => u.username === 'alice')!;

  beforeAll(async () => {
    gitlab = await GitLabSimulator.start(setup);
  });
  afterAll(() => gitlab.stop());

  const authorizePath = (extra: Record<string, string> = {}) =>
    `/oauth/authorize?${new URLSearchParams({
      client_id: app.uid,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'read_user',
      state: 'xyz',
      ...extra,
    })}`;

  /** The whole browser flow: authorize -> sign-in page -> sign in -> authorize -> callback with a code. */
  async function signIn(
    password: string,
    extra: Record<string, string> = {},
  ): Promise<URL | string> {
    const go = client(gitlab.url);
    const first = await go(authorizePath(extra));
    expect(first.status).toBe(302);
    const signInUrl = first.headers.get('location')!;
    expect(signInUrl).toMatch(/^\/users\/sign_in\?return_to=/);
    const page = await (await go(signInUrl)).text();
    const csrf = /name="authenticity_token" value="([^"]+)"/.exec(page)![1];
    const returnTo = /name="return_to" value="([^"]+)"/
      .exec(page)![1]
      .replace(/&amp;/g, '&');
    const posted = await go('/users/sign_in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        authenticity_token: csrf,
        return_to: returnTo,
        'user[login]': 'alice',
        'user[password]': password,
      }),
    });
    if (posted.status !== 302) return posted.text();
    const back = await go(posted.headers.get('location')!);
    expect(back.status).toBe(302);
    return new URL(back.headers.get('location')!);
  }

  const token = (body: Record<string, string>) =>
    fetch(`${gitlab.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body),
    });

  it('signs a user in and exchanges the code for a token that reads /api/v4/user', async () => {
    expect(await signIn('wrong')).toContain('Invalid login or password.');
    const callback = (await signIn(alice.password)) as URL;
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    expect(callback.searchParams.get('state')).toBe('xyz');
    const code = callback.searchParams.get('code')!;

    const exchange = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: app.uid,
      client_secret: app.secret,
    };
    const wrongSecret = await token({ ...exchange, client_secret: 'nope' });
    expect(wrongSecret.status).toBe(401);
    expect((await wrongSecret.json()).error).toBe('invalid_client');
    const res = await token(exchange);
    expect(res.status).toBe(200);
    const granted = await res.json();
    expect(granted).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 7200,
      refresh_token: expect.any(String),
      scope: 'read_user',
      created_at: expect.any(Number),
    });
    // a code is used once
    const again = await token(exchange);
    expect(again.status).toBe(400);
    expect((await again.json()).error).toBe('invalid_grant');

    const me = await fetch(`${gitlab.url}/api/v4/user`, {
      headers: { Authorization: `Bearer ${granted.access_token}` },
    });
    expect(await me.json()).toMatchObject({
      username: 'alice',
      email: 'alice@docker-env.test',
      state: 'active',
    });
    // passport-gitlab2 sends the token as the access_token parameter
    const byQuery = await fetch(
      `${gitlab.url}/api/v4/user?access_token=${granted.access_token}`,
    );
    expect((await byQuery.json()).username).toBe('alice');
    const bad = await fetch(`${gitlab.url}/api/v4/user`, {
      headers: { Authorization: 'Bearer not-a-token' },
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ message: '401 Unauthorized' });

    // a refresh token gives a new access token once
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: granted.refresh_token,
      client_id: app.uid,
      client_secret: app.secret,
    });
    expect(refreshed.status).toBe(200);
    const reused = await token({
      grant_type: 'refresh_token',
      refresh_token: granted.refresh_token,
      client_id: app.uid,
      client_secret: app.secret,
    });
    expect((await reused.json()).error).toBe('invalid_grant');
  });

  it('checks PKCE, and never redirects to an unregistered callback', async () => {
    const verifier = 'a'.repeat(50);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const callback = (await signIn(alice.password, {
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })) as URL;
    const base = {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code')!,
      redirect_uri: REDIRECT,
      client_id: app.uid,
      client_secret: app.secret,
    };
    const wrong = await token({ ...base, code_verifier: 'b'.repeat(50) });
    expect((await wrong.json()).error).toBe('invalid_grant');

    const evil = await fetch(
      `${gitlab.url}${authorizePath({
        redirect_uri: 'http://evil.example/cb',
      })}`,
      { redirect: 'manual' },
    );
    expect(evil.status).toBe(400);
    expect(evil.headers.get('location')).toBeNull();
    expect(await evil.text()).toContain('match client redirect URI');
  });
});
