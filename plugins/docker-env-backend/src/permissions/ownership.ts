import type { AuthService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** True when one of `claims` (a user and the user's groups) is an admin of `admins` (`dockerEnv.admins`). */
export function isAdminClaim(claims: string[], admins: string[]): boolean {
  return claims.some(ref => admins.includes(ref));
}

/**
 * The policy's rule for updating an environment, shared by {@link DockerEnvPermissionPolicy} and the deployment
 * tokens' re-check of their creator: admins may, and so may the owner (the user or one of the user's groups).
 */
export function mayUpdateEnvironment(
  claims: string[],
  admins: string[],
  owner: string,
): boolean {
  return isAdminClaim(claims, admins) || claims.includes(owner);
}

/**
 * A user's ownership refs as the catalog holds them now, the way the sign-in resolver builds them: the User entity's
 * ref and the groups of its `memberOf` relations. Empty when the catalog no longer has the user.
 */
export async function catalogOwnershipRefs(
  options: { catalog: CatalogService; auth: AuthService },
  userRef: string,
): Promise<string[]> {
  const credentials = await options.auth.getOwnServiceCredentials();
  const user = await options.catalog.getEntityByRef(parseEntityRef(userRef), {
    credentials,
  });
  if (!user) return [];
  const groups = (user.relations ?? [])
    .filter(r => r.type === RELATION_MEMBER_OF)
    .map(r => stringifyEntityRef(parseEntityRef(r.targetRef)));
  return [stringifyEntityRef(user), ...new Set(groups)];
}
