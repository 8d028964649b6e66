import { backupRoutes } from './routes/backups';
import { clusterRoutes } from './routes/cluster';
import { firewallRoutes } from './routes/firewall';
import { infoRoutes } from './routes/info';
import { lifecycleRoutes } from './routes/lifecycle';
import { snapshotRoutes } from './routes/snapshots';
import type { AccessControl } from './access/AccessControl';
import { accessAclRoutes } from './routes/accessAcl';
import { accessUserRoutes } from './routes/accessUsers';
import { clusterFirewallRoutes } from './routes/clusterFirewall';
import type { SimAuth, SimRoute } from './context';

/** Every route the simulator answers (the contract test checks them against the PVE schema). */
export const PROXMOX_SIM_ROUTES: SimRoute[] = [
  ...clusterRoutes,
  ...backupRoutes,
  ...infoRoutes,
  ...lifecycleRoutes,
  ...snapshotRoutes,
  ...firewallRoutes,
  ...accessUserRoutes,
  ...accessAclRoutes,
  ...clusterFirewallRoutes,
];

function compile(route: SimRoute) {
  const names: string[] = [];
  const source = route.template.replace(/\{(\w+)\}/g, (_m, n) => {
    names.push(n);
    return '([^/]+)';
  });
  return { route, names, regex: new RegExp(`^${source}$`) };
}
const COMPILED = PROXMOX_SIM_ROUTES.map(compile);

/** The route answering `method path` (path below `/api2/json`) and its decoded path parameters. */
export function matchRoute(
  method: string,
  path: string,
): { route: SimRoute; pathParams: Record<string, string> } | undefined {
  for (const c of COMPILED) {
    const m = c.regex.exec(path);
    if (!m || c.route.method !== method) continue;
    const pathParams: Record<string, string> = {};
    c.names.forEach((n, i) => {
      pathParams[n] = decodeURIComponent(m[i + 1]);
    });
    return { route: c.route, pathParams };
  }
  return undefined;
}

/** Query or body parameters as PVE reads them: the last of repeated values, booleans as 0/1. */
export function flatten(obj: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (obj && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj)) {
      const last = Array.isArray(v) ? v[v.length - 1] : v;
      out[k] = typeof last === 'boolean' ? String(Number(last)) : String(last);
    }
  }
  return out;
}

/** Checks a `PVEAPIToken=` header against the cluster's tokens: the caller, or PVE's reason for refusing it. */
export function authenticate(
  access: AccessControl,
  header: string | undefined,
): SimAuth | string {
  if (!header) return 'No ticket';
  const m =
    /^PVEAPIToken=([^\s!@]+@[^\s!]+)!([A-Za-z][A-Za-z0-9._-]*)[=:](\S+)$/.exec(
      header.trim(),
    );
  if (!m) return 'authentication failure';
  const [, user, tokenName, secret] = m;
  const token = access.users.get(user)?.tokens.get(tokenName);
  if (!token) return `no such token '${tokenName}' for user '${user}'`;
  if (token.secret !== secret) return 'invalid token value!';
  return {
    tokenUser: `${user}!${tokenName}`,
    user,
    isRoot: user === 'root@pam',
  };
}
