import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  AuthResolverCatalogUserQuery,
  BackstageSignInResult,
  OAuthAuthenticatorResult,
  SignInResolver,
} from '@backstage/plugin-auth-node';
import type { GitlabProfile } from '@backstage/plugin-auth-backend-module-gitlab-provider';

/** Annotation on a catalog User naming its GitLab username, for users whose `metadata.name` differs from it. */
export const GITLAB_USER_LOGIN_ANNOTATION = 'gitlab.com/user-login';

type Lookup = { describe: string; query: AuthResolverCatalogUserQuery };

function lookups(username: string | undefined, email: string | undefined) {
  const list: Lookup[] = [];
  if (username) {
    // the LDAP org module names users by uid, which is the GitLab username where GitLab signs in through the same LDAP
    list.push({
      describe: `User metadata.name "${username}"`,
      query: { entityRef: { name: username } },
    });
    list.push({
      describe: `annotation ${GITLAB_USER_LOGIN_ANNOTATION}="${username}"`,
      query: { annotations: { [GITLAB_USER_LOGIN_ANNOTATION]: username } },
    });
  }
  if (email) {
    list.push({
      describe: `spec.profile.email "${email}"`,
      query: { filter: { 'spec.profile.email': email } },
    });
  }
  return list;
}

/**
 * Signs a GitLab user in as their catalog User: by GitLab username (entity name, then the
 * `gitlab.com/user-login` annotation), then by the GitLab account's email. The token's ownership refs are the
 * catalog's (the user and the groups it is a member of). A user the catalog does not know cannot sign in.
 */
export const gitlabCatalogSignInResolver: SignInResolver<
  OAuthAuthenticatorResult<GitlabProfile>
> = async (info, ctx): Promise<BackstageSignInResult> => {
  const username = info.result.fullProfile.username || undefined;
  const email =
    info.profile.email ||
    info.result.fullProfile.emails?.[0]?.value ||
    undefined;
  const tried = lookups(username, email);
  if (tried.length === 0) {
    throw new NotFoundError(
      'GitLab sign-in: the GitLab profile has neither a username nor an email to find the catalog user by',
    );
  }
  for (const { describe, query } of tried) {
    try {
      return await ctx.signInWithCatalogUser(query);
    } catch (error) {
      if ((error as Error)?.name === 'NotFoundError') continue;
      if ((error as Error)?.name === 'ConflictError') {
        throw new ConflictError(
          `GitLab sign-in of "${
            username ?? email
          }": more than one catalog user has ${describe}; ` +
            `give the right one the name "${username}" or the annotation ${GITLAB_USER_LOGIN_ANNOTATION}`,
        );
      }
      throw error;
    }
  }
  throw new NotFoundError(
    `GitLab sign-in: no catalog user for GitLab username "${
      username ?? ''
    }" and email "${email ?? ''}" ` +
      `(looked for ${tried.map(t => t.describe).join(', ')})`,
  );
};
