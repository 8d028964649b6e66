import fs from 'node:fs';
import { contractPath } from '../../contracts/repoRoot';

/**
 * An operation's `permissions` in the pinned PVE schema: a `check` expression (evaluated before the
 * handler runs, as pve-http-server does) and/or a `description` of what the handler checks itself.
 */
export interface PvePermissions {
  check?: PveCheck;
  description?: string;
  /** `all`: any authenticated caller reaches the handler (which may check more inside). */
  user?: string;
}

/** A `check` expression as apidata carries it, e.g. `["perm", "/vms/{vmid}", ["VM.Audit"]]`. */
export type PveCheck = [string, ...unknown[]];

interface PinnedSchema {
  paths: Record<string, Record<string, { permissions?: PvePermissions }>>;
}

let cached: { table: Map<string, PvePermissions>; privileges: string[] };

function load() {
  if (cached) return cached;
  const doc = JSON.parse(
    fs.readFileSync(contractPath('proxmox-ve-lxc-api.schema.json'), 'utf8'),
  ) as PinnedSchema & {
    paths: Record<
      string,
      Record<string, { returns?: { properties?: Record<string, unknown> } }>
    >;
  };
  const table = new Map<string, PvePermissions>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      table.set(`${method} ${path}`, (op as any).permissions ?? {});
    }
  }
  // GET /access/roles/{roleid} returns one boolean per privilege PVE knows: the privilege list
  const roleProps =
    doc.paths['/access/roles/{roleid}']?.GET?.returns?.properties ?? {};
  cached = { table, privileges: Object.keys(roleProps).sort() };
  return cached;
}

/** The pinned `permissions` of `METHOD template` (e.g. `GET /nodes/{node}/lxc/{vmid}/config`). */
export function operationPermissions(
  method: string,
  template: string,
): PvePermissions | undefined {
  return load().table.get(`${method} ${template}`);
}

/** Every pinned operation as `METHOD template`. */
export function pinnedOperations(): string[] {
  return [...load().table.keys()];
}

/** Every privilege PVE 9.1 knows (from the pinned schema's role object). */
export function pvePrivileges(): string[] {
  return load().privileges;
}
