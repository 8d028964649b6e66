import { Config } from '@backstage/config';
import {
  AuthenticationError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  createProxyAuthenticator,
  SignInResolver,
} from '@backstage/plugin-auth-node';

/** The request header that names the persona to sign in as (the sign-in page sends it). */
export const PERSONA_HEADER = 'x-docker-env-persona';

/** What the authenticator hands the resolver: the chosen persona and its catalog user. */
export type PersonaResult = { persona: string; userEntityRef: string };

/**
 * Reads `personas` (persona id -> catalog user ref) of the embedded provider's config for one auth environment.
 * Throws an InputError naming the key when a ref is not a user ref.
 */
export function readPersonas(config: Config, key: string): Map<string, string> {
  const personas = new Map<string, string>();
  for (const id of config.keys()) {
    const raw = config.getString(id);
    let ref;
    try {
      ref = parseEntityRef(raw, { defaultKind: 'user' });
    } catch {
      ref = undefined;
    }
    if (ref?.kind.toLocaleLowerCase('en-US') !== 'user') {
      throw new InputError(
        `${key}.${id} must be a user entity ref like user:default/dev, got '${raw}'`,
      );
    }
    personas.set(id, stringifyEntityRef(ref));
  }
  if (personas.size === 0) {
    throw new InputError(`${key} must list at least one persona`);
  }
  return personas;
}

/** Accepts only the personas of the config, named by the PERSONA_HEADER request header. */
export function personaAuthenticator(personas: Map<string, string>) {
  const known = [...personas.keys()].join(', ');
  return createProxyAuthenticator<unknown, PersonaResult, undefined>({
    // the profile comes from the catalog user (resolver context), see personaProfileTransform
    defaultProfileTransform: async () => ({ profile: {} }),
    initialize: () => undefined,
    async authenticate({ req }) {
      const persona = req.header(PERSONA_HEADER);
      if (!persona) {
        throw new AuthenticationError(
          `The ${PERSONA_HEADER} header is missing: choose a persona (${known})`,
        );
      }
      const userEntityRef = personas.get(persona);
      if (!userEntityRef) {
        throw new AuthenticationError(
          `Unknown persona '${persona}' in the ${PERSONA_HEADER} header: the embedded sign-in accepts ${known}`,
        );
      }
      return { result: { persona, userEntityRef } };
    },
  });
}

/** The persona's display name and email from its catalog user. */
export const personaProfileTransform = async (
  result: PersonaResult,
  ctx: Parameters<SignInResolver<PersonaResult>>[1],
) => {
  const { entity } = await ctx
    .findCatalogUser({ entityRef: result.userEntityRef })
    .catch(e => {
      throw new NotFoundError(
        `Persona '${result.persona}' signs in as ${result.userEntityRef}, which is not in the catalog: ${e.message}`,
      );
    });
  const profile = (entity.spec?.profile ?? {}) as {
    displayName?: string;
    email?: string;
  };
  return {
    profile: {
      displayName: profile.displayName ?? entity.metadata.name,
      email: profile.email,
    },
  };
};

/** Signs in as the persona's catalog user: ownership is the user and the groups the catalog says it is in. */
export const personaSignInResolver: SignInResolver<PersonaResult> = (
  { result },
  ctx,
) => ctx.signInWithCatalogUser({ entityRef: result.userEntityRef });
