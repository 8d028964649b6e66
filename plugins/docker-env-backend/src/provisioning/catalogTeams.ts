import type { AuthService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  RELATION_HAS_MEMBER,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { TeamResolver } from '@docker-env/plugin-docker-env-workflows-node';

/**
 * Annotation on a User entity naming its Portainer user when that differs from the entity's name
 * (Portainer's LDAP users are named by their login, which the LDAP ingestion uses as the name).
 */
export const PORTAINER_USERNAME_ANNOTATION = 'docker-env.io/portainer-username';

function portainerUsername(user: Entity): string {
  return (
    user.metadata.annotations?.[PORTAINER_USERNAME_ANNOTATION] ??
    user.metadata.name
  );
}

/**
 * The owner's Portainer team from the catalog: a user owns a team of one; a group's team holds the
 * group's direct members (its `hasMember` relations to users), each mapped to a Portainer user name.
 * The provisioning step skips members Portainer does not know yet.
 */
export function catalogTeamResolver(options: {
  catalog: CatalogService;
  auth: AuthService;
}): TeamResolver {
  const { catalog, auth } = options;
  return async owner => {
    const ref = parseEntityRef(owner);
    const credentials = await auth.getOwnServiceCredentials();
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity)
      throw new NotFoundError(
        `owner ${owner} is not in the catalog, so its Portainer team cannot be made`,
      );
    if (ref.kind.toLocaleLowerCase('en-US') === 'user')
      return { members: [portainerUsername(entity)] };
    const memberRefs = (entity.relations ?? [])
      .filter(
        r =>
          r.type === RELATION_HAS_MEMBER &&
          parseEntityRef(r.targetRef).kind.toLocaleLowerCase('en-US') ===
            'user',
      )
      .map(r => stringifyEntityRef(parseEntityRef(r.targetRef)));
    const { items } = memberRefs.length
      ? await catalog.getEntitiesByRefs(
          { entityRefs: memberRefs, fields: ['metadata'] },
          { credentials },
        )
      : { items: [] };
    const members = items
      .filter((u): u is Entity => !!u)
      .map(portainerUsername);
    return { members: [...new Set(members)].sort() };
  };
}
