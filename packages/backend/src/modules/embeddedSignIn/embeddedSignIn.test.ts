/*
 * The embedded default's persona sign-in through the real auth backend, with the example org
 * (examples/org.yaml) in the catalog and the personas of app-config.embedded.yaml.
 */
import { Entity } from '@backstage/catalog-model';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import authPlugin from '@backstage/plugin-auth-backend';
import { embeddedSignInModule } from '.';
import { PERSONA_HEADER } from './personas';

const root = path.resolve(__dirname, '../../../../..');
/** examples/org.yaml as the catalog serves it: users carry the memberOf relations ownership is read from. */
const org = parseAllDocuments(
  fs.readFileSync(path.join(root, 'examples/org.yaml'), 'utf8'),
).map(d => {
  const entity = d.toJS() as Entity;
  const memberOf = (entity.spec?.memberOf ?? []) as string[];
  return {
    ...entity,
    relations: memberOf.map(group => ({
      type: 'memberOf',
      targetRef: `group:default/${group}`,
    })),
  };
});
const embeddedAuthConfig = parse(
  fs.readFileSync(path.join(root, 'app-config.embedded.yaml'), 'utf8'),
).auth;

async function startAuth(auth: object) {
  const { server } = await startTestBackend({
    features: [
      authPlugin,
      embeddedSignInModule,
      catalogServiceMock.factory({ entities: org }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          auth: { session: { secret: 'test' }, ...auth },
        },
      }),
    ],
  });
  return `http://localhost:${server.port()}/api/auth/embedded/refresh`;
}

/** GET refresh with the persona header (when given), as the sign-in page does. */
async function refresh(url: string, persona?: string) {
  const res = await fetch(url, {
    headers: persona ? { [PERSONA_HEADER]: persona } : {},
  });
  return { status: res.status, body: await res.json() };
}

/** The claims of a Backstage token (not verified: the auth backend just issued it). */
function claims(token: string) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

describe('embedded sign-in (auth provider "embedded")', () => {
  it('signs the developer in as user:default/dev, owning through team-a and not platform-team', async () => {
    const url = await startAuth(embeddedAuthConfig);
    const res = await refresh(url, 'developer');
    expect(res.status).toBe(200);
    const { identity, token } = res.body.backstageIdentity;
    expect(identity.userEntityRef).toBe('user:default/dev');
    expect(identity.ownershipEntityRefs).toContain('group:default/team-a');
    expect(identity.ownershipEntityRefs).not.toContain(
      'group:default/platform-team',
    );
    expect(claims(token).sub).toBe('user:default/dev');
    expect(res.body.profile).toEqual({
      displayName: 'Dev Developer',
      email: 'dev@example.com',
    });
  });

  it('signs the admin in as user:default/admin, a member of platform-team', async () => {
    const url = await startAuth(embeddedAuthConfig);
    const res = await refresh(url, 'admin');
    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.identity).toMatchObject({
      userEntityRef: 'user:default/admin',
      ownershipEntityRefs: expect.arrayContaining([
        'group:default/platform-team',
      ]),
    });
    expect(
      res.body.backstageIdentity.identity.ownershipEntityRefs,
    ).not.toContain('group:default/team-a');
  });

  it('refuses an unknown persona and a missing header with 401 and says which personas exist', async () => {
    const url = await startAuth(embeddedAuthConfig);
    const unknown = await refresh(url, 'root');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe(
      `Unknown persona 'root' in the ${PERSONA_HEADER} header: the embedded sign-in accepts developer, admin`,
    );
    const missing = await refresh(url);
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toMatch(/header is missing/);
  });

  it('refuses a persona whose user is not in the catalog', async () => {
    const url = await startAuth({
      providers: {
        embedded: {
          development: { personas: { ghost: 'user:default/nobody' } },
        },
      },
    });
    const res = await refresh(url, 'ghost');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(
      /Persona 'ghost' signs in as user:default\/nobody, which is not in the catalog/,
    );
  });

  it('is not there when the auth environment has no personas (production)', async () => {
    const url = await startAuth({
      ...embeddedAuthConfig,
      environment: 'production',
    });
    const res = await refresh(url, 'admin');
    expect(res.status).toBe(404);
  });

  it('refuses to start with a persona that is not a user ref', async () => {
    await expect(
      startAuth({
        providers: {
          embedded: {
            development: { personas: { team: 'group:default/team-a' } },
          },
        },
      }),
    ).rejects.toThrow(
      "auth.providers.embedded.development.personas.team must be a user entity ref like user:default/dev, got 'group:default/team-a'",
    );
  });
});
