import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { Environment } from '@docker-env/plugin-docker-env-common';
import { canonicalOwnerRef } from '@docker-env/plugin-docker-env-workflows-node';
import type { Caller } from '../service/access';
import type { RouteContext } from '../service/RouteContext';

/** The field of `PATCH /environments/{name}` that transfers. */
export const TRANSFER_FIELD = 'owner';

/**
 * The new owner a transfer body names, checked, in its canonical form: a request of its own, a user or group entity
 * ref (400), another owner than the current one (400), one the catalog knows (404), and one the caller belongs to
 * unless the caller is an admin (403).
 */
export async function validTransfer(
  ctx: Pick<RouteContext, 'ownerInCatalog' | 'access'>,
  caller: Caller,
  body: Record<string, unknown>,
  current: Environment,
): Promise<string> {
  const others = Object.keys(body).filter(
    k => k !== TRANSFER_FIELD && body[k] !== undefined,
  );
  if (others.length)
    throw new InputError(
      `owner: transfer in a request of its own, not with ${others.join(', ')}`,
    );
  let owner: string;
  try {
    if (typeof body.owner !== 'string') throw new TypeError();
    owner = canonicalOwnerRef(body.owner);
  } catch {
    throw new InputError(
      'owner: must be a user or group entity ref, such as user:default/alice or group:default/team-a',
    );
  }
  if (owner === canonicalOwnerRef(current.owner))
    throw new InputError(`owner: the environment is owned by ${owner} already`);
  if (!(await ctx.ownerInCatalog(owner)))
    throw new NotFoundError(`owner: ${owner} is not in the catalog`);
  const claims = caller.ownershipEntityRefs.map(r => {
    try {
      return canonicalOwnerRef(r);
    } catch {
      return r;
    }
  });
  if (!claims.includes(owner) && !(await ctx.access.isAdmin(caller)))
    throw new NotAllowedError(
      `owner: you do not belong to ${owner}; only admins may transfer an environment to an owner they are not part of`,
    );
  return owner;
}
