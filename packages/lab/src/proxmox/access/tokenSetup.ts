import { DEFAULT_PROXMOX_SIM_TOKEN } from '../config';

/** The built-in token's Authorization header (Administrator on `/`). */
export const PVE_ADMIN_AUTH = `PVEAPIToken=${DEFAULT_PROXMOX_SIM_TOKEN.id}=${DEFAULT_PROXMOX_SIM_TOKEN.secret}`;

/** A role granted on ACL paths, for {@link createPveRoleToken}. */
export interface PveRoleGrant {
  userid: string;
  tokenid: string;
  roleid: string;
  privs: string[];
  /** Where the role is granted, to the user and to its privilege-separated token alike. */
  acl: Array<{ path: string; propagate: boolean }>;
}

/** Sends one `/access` call with the admin token; throws with PVE's reason on failure. */
export async function pveAdminCall(
  baseUrl: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  params: Record<string, string | number> = {},
  auth = PVE_ADMIN_AUTH,
): Promise<unknown> {
  const form = new URLSearchParams(
    Object.entries(params).map(([k, v]) => [k, String(v)]),
  );
  const body = method === 'POST' || method === 'PUT';
  const res = await fetch(
    `${baseUrl}${path}${!body && form.size ? `?${form}` : ''}`,
    {
      method,
      headers: {
        Authorization: auth,
        ...(body
          ? { 'Content-Type': 'application/x-www-form-urlencoded' }
          : {}),
      },
      body: body ? form.toString() : undefined,
      signal: AbortSignal.timeout(10_000),
    },
  );
  const json = (await res.json()) as { data: unknown };
  if (!res.ok)
    throw new Error(`${method} ${path}: ${res.status} ${res.statusText}`);
  return json.data;
}

/**
 * Does through the lab's `/access` API what `pveum` does on a real cluster (the operations
 * guide's commands): a role with these privileges, a user and a privilege-separated API token,
 * the role on each ACL path for both. Returns the token id and its `PVEAPIToken=` header.
 */
export async function createPveRoleToken(
  baseUrl: string,
  grant: PveRoleGrant,
  adminAuth = PVE_ADMIN_AUTH,
): Promise<{ id: string; secret: string; auth: string }> {
  const call = (
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    params?: Record<string, string | number>,
  ) => pveAdminCall(baseUrl, method, path, params, adminAuth);
  await call('POST', '/access/roles', {
    roleid: grant.roleid,
    privs: grant.privs.join(','),
  });
  await call('POST', '/access/users', { userid: grant.userid });
  const created = (await call(
    'POST',
    `/access/users/${encodeURIComponent(grant.userid)}/token/${grant.tokenid}`,
    { privsep: 1 },
  )) as { 'full-tokenid': string; value: string };
  for (const { path, propagate } of grant.acl) {
    await call('PUT', '/access/acl', {
      path,
      roles: grant.roleid,
      users: grant.userid,
      tokens: created['full-tokenid'],
      propagate: propagate ? 1 : 0,
    });
  }
  const id = created['full-tokenid'];
  return {
    id,
    secret: created.value,
    auth: `PVEAPIToken=${id}=${created.value}`,
  };
}

/** Replaces a role's privileges (`pveum role modify ROLE -privs ...`). */
export async function setPveRolePrivs(
  baseUrl: string,
  roleid: string,
  privs: string[],
  adminAuth = PVE_ADMIN_AUTH,
): Promise<void> {
  // an empty list clears the role (PUT without `append` replaces)
  await pveAdminCall(
    baseUrl,
    'PUT',
    `/access/roles/${roleid}`,
    { privs: privs.join(',') },
    adminAuth,
  );
}
