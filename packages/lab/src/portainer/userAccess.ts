import type {
  PortainerState,
  PtAccessPolicies,
  PtEndpoint,
  PtRegistry,
  PtUser,
} from './model';

// Portainer CE's authorization of a user (api/http/security/authorization.go) and its Docker
// proxy's registry decoration (api/http/proxy/factory/docker/transport.go), as the lab needs them.

/** Who made a request: a user's JWT, or the admin API key (`undefined` user = the key). */
export interface Caller {
  user?: PtUser;
}

const isAdmin = (c: Caller) => !c.user || c.user.Role === 1;

/** `AuthorizedAccess`: the user is in `users`, or one of the user's teams is in `teams`. */
function authorizedAccess(
  state: PortainerState,
  user: PtUser,
  users: PtAccessPolicies | null | undefined,
  teams: PtAccessPolicies | null | undefined,
): boolean {
  if (users?.[String(user.Id)]) return true;
  return state.memberships.some(
    m => m.UserID === user.Id && teams?.[String(m.TeamID)] !== undefined,
  );
}

/** An administrator may use every environment; a regular user one that grants them or a team of theirs access. */
export function mayUseEndpoint(
  state: PortainerState,
  caller: Caller,
  e: PtEndpoint,
): boolean {
  if (isAdmin(caller)) return true;
  return authorizedAccess(
    state,
    caller.user!,
    e.UserAccessPolicies,
    e.TeamAccessPolicies,
  );
}

/** `AuthorizedRegistryUsage`: an administrator, or the registry's access on that environment names the user or a team of theirs. */
export function mayUseRegistry(
  state: PortainerState,
  caller: Caller,
  r: PtRegistry,
  endpointId: number,
): boolean {
  if (isAdmin(caller)) return true;
  const access = r.RegistryAccesses[String(endpointId)];
  if (!access) return false;
  return authorizedAccess(
    state,
    caller.user!,
    access.UserAccessPolicies,
    access.TeamAccessPolicies,
  );
}

/**
 * The Docker proxy's `X-Registry-Auth` rewrite: the header is read as base64 JSON
 * `{"registryId": N}` and replaced by the registry's stored credentials when the caller may use
 * that registry on this environment; otherwise (id 0, unknown, not granted) by empty credentials,
 * so the engine pulls anonymously. Returns the new header, or undefined when none was sent; throws
 * on a header that is not base64 JSON (Portainer's proxy then fails the request).
 */
export function decorateRegistryAuth(
  state: PortainerState,
  caller: Caller,
  endpointId: number,
  header: string | undefined,
): string | undefined {
  if (header === undefined || header === '') return undefined;
  const decoded = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  const registryId =
    decoded && typeof decoded === 'object' ? decoded.registryId : undefined;
  if (registryId !== undefined && !Number.isInteger(registryId))
    throw new Error(
      'json: cannot unmarshal into Go struct field portainerRegistryAuthenticationHeader.registryId of type portainer.RegistryID',
    );
  const registry = state.registries.find(
    r => r.Id === registryId && mayUseRegistry(state, caller, r, endpointId),
  );
  const auth = registry
    ? {
        username: registry.Username,
        password: registry.Password,
        serveraddress: registry.URL,
      }
    : { username: '', password: '', serveraddress: '' };
  return Buffer.from(JSON.stringify(auth)).toString('base64');
}
