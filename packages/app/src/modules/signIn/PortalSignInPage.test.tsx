import { IdentityApi } from '@backstage/core-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { PERSONA_STORAGE_KEY } from './PersonaSignInPage';
import { PortalSignInPage } from './PortalSignInPage';

const embedded = {
  backend: { baseUrl: 'http://portal.test' },
  app: {
    baseUrl: 'http://portal.test',
    title: 'Docker environments portal',
    signIn: {
      providers: ['embedded'],
      personas: [
        {
          id: 'developer',
          title: 'Developer (team-a)',
          description: 'user:default/dev',
        },
        { id: 'admin', title: 'Admin (platform-team)' },
      ],
    },
  },
};

/** A session as the auth backend's refresh answers it, for `userEntityRef`. */
function session(userEntityRef: string) {
  const payload = Buffer.from(
    JSON.stringify({ sub: userEntityRef, exp: Date.now() / 1000 + 3600 }),
  ).toString('base64url');
  return {
    profile: { displayName: userEntityRef },
    backstageIdentity: {
      token: `e30.${payload}.sig`,
      identity: { type: 'user', userEntityRef, ownershipEntityRefs: [] },
    },
  };
}

const fetchMock = jest.fn();

/** Renders the sign-in page; `identity` resolves once it signs in. */
async function renderSignIn(data: object) {
  let signedIn: (identity: IdentityApi) => void = () => {};
  const identity = new Promise<IdentityApi>(resolve => {
    signedIn = resolve;
  });
  await renderInTestApp(<PortalSignInPage onSignInSuccess={signedIn} />, {
    config: data,
  });
  return { identity };
}

/** The persona header of the n-th refresh call. */
function personaOfCall(n: number) {
  const [url, init] = fetchMock.mock.calls[n];
  expect(url).toBe('http://portal.test/api/auth/embedded/refresh');
  return new Headers(init.headers).get('x-docker-env-persona');
}

describe('PortalSignInPage', () => {
  beforeEach(() => {
    window.localStorage.clear();
    fetchMock.mockReset();
    global.fetch = fetchMock;
  });

  it('offers the personas and signs in as the one chosen, remembering it', async () => {
    fetchMock.mockResolvedValue(
      new Response(JSON.stringify(session('user:default/dev'))),
    );
    const { identity } = await renderSignIn(embedded);
    expect(
      await screen.findByRole('button', {
        name: 'Sign in as Admin (platform-team)',
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('user:default/dev')).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
    fireEvent.click(
      screen.getByRole('button', { name: 'Sign in as Developer (team-a)' }),
    );
    const signedIn = await identity;
    expect(personaOfCall(0)).toBe('developer');
    expect((await signedIn.getBackstageIdentity()).userEntityRef).toBe(
      'user:default/dev',
    );
    expect(window.localStorage.getItem(PERSONA_STORAGE_KEY)).toBe('developer');
  });

  it('signs in again with the remembered persona without asking (a reload), and forgets it on sign-out', async () => {
    window.localStorage.setItem(PERSONA_STORAGE_KEY, 'admin');
    fetchMock.mockResolvedValue(
      new Response(JSON.stringify(session('user:default/admin'))),
    );
    const signedIn = await (await renderSignIn(embedded)).identity;
    expect(personaOfCall(0)).toBe('admin');
    expect(
      screen.queryByRole('button', { name: /Sign in as/ }),
    ).not.toBeInTheDocument();
    await signedIn.signOut();
    expect(window.localStorage.getItem(PERSONA_STORAGE_KEY)).toBeNull();
  });

  it('shows the backend refusal and the choice again when a persona cannot sign in', async () => {
    window.localStorage.setItem(PERSONA_STORAGE_KEY, 'developer');
    const message =
      "Unknown persona 'developer' in the x-docker-env-persona header: the embedded sign-in accepts admin";
    fetchMock.mockImplementation(
      async () =>
        new Response(
          JSON.stringify({
            error: { name: 'AuthenticationError', message },
            response: { statusCode: 401 },
          }),
          { status: 401, headers: { 'content-type': 'application/json' } },
        ),
    );
    await renderSignIn(embedded);
    expect(
      await screen.findByText(message, { exact: false }),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(window.localStorage.getItem(PERSONA_STORAGE_KEY)).toBeNull(),
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'Sign in as Developer (team-a)' }),
    );
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2));
    expect(personaOfCall(1)).toBe('developer');
  });

  it('ignores a remembered persona that the config no longer lists', async () => {
    window.localStorage.setItem(PERSONA_STORAGE_KEY, 'root');
    await renderSignIn(embedded);
    expect(
      await screen.findByRole('button', {
        name: 'Sign in as Developer (team-a)',
      }),
    ).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('offers GitLab when the config says so (production), and no personas', async () => {
    await renderSignIn({
      ...embedded,
      app: { ...embedded.app, signIn: { providers: ['gitlab'] } },
    });
    expect(await screen.findByText('GitLab')).toBeInTheDocument();
    expect(
      screen.getByText('Sign in with your GitLab account'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Sign in as/ }),
    ).not.toBeInTheDocument();
  });
});
