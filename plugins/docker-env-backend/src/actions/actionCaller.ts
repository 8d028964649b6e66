import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { Caller } from '../service/access';
import { RouteContext } from '../service/RouteContext';

/** The message every action answers a caller that is not a signed-in user (a static token, another plugin). */
export const USERS_ONLY =
  'docker-env actions act only for a signed-in user; a service principal (a static token, another plugin) is refused';

/**
 * The user behind an action's credentials, as the HTTP routes resolve one. A service principal is refused (403) and
 * the refusal audited as `action` on `target`: the portal's policy lets services read every environment, and an
 * assistant must act as the person who signed it in, never with more.
 */
export async function actionCaller(
  ctx: Pick<RouteContext, 'access' | 'audit' | 'store'>,
  credentials: BackstageCredentials,
  audited: { action: string; target: string | null },
): Promise<Caller> {
  const principal = credentials.principal as { type: string };
  if (principal.type === 'user') {
    return ctx.access.callerOf(
      credentials as Parameters<typeof ctx.access.callerOf>[0],
    );
  }
  const error = new NotAllowedError(USERS_ONLY);
  await ctx.audit.refuse(
    ctx.store,
    {
      actor: describePrincipal(credentials),
      action: audited.action,
      target: audited.target,
      environmentId: null,
    },
    error,
  );
  throw error;
}

function describePrincipal(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    subject?: string;
  };
  return principal.subject
    ? `${principal.type}:${principal.subject}`
    : principal.type;
}
