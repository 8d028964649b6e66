// `/access/groups`, `/access/roles`, `/access/acl` and `/access/permissions`.
import type { SimContext, SimRequest, SimRoute } from '../context';
import { P } from '../params';
import { PveError } from '../pveHttp';
import {
  normalizePath,
  splitTokenId,
  type PveAclEntry,
} from '../access/AccessControl';
import { pvePrivileges } from '../access/operationTable';
import { hasPriv } from '../access/guestChecks';
import {
  caller,
  groupid,
  ID_RE,
  list,
  listOf,
  roleid,
  TOKENID_RE,
  USERID_RE,
} from './accessParams';

/** PVE::AccessControl::check_path: the ACL paths PVE accepts. */
function checkAclPath(path: string): string {
  const p = normalizePath(path);
  const ok = [
    /^\/$/,
    /^\/access(\/(groups|realm)(\/[^/]+)?)?$/,
    /^\/nodes(\/[^/]+)?$/,
    /^\/pool(\/[^/]+)*$/,
    /^\/sdn(\/zones(\/[^/]+(\/[^/]+(\/[1-9][0-9]*)?)?)?)?$/,
    /^\/storage(\/[^/]+)?$/,
    /^\/vms(\/[1-9][0-9]{2,})?$/,
    /^\/mapping(\/(pci|usb|dir)(\/[^/]+)?)?$/,
  ].some(re => re.test(p));
  if (!ok) throw PveError.die(`invalid ACL path '${path}'`);
  return p;
}

function rolePrivs(value: unknown): string[] {
  const known = new Set(pvePrivileges());
  const privs = list(value);
  // PVE::AccessControl::add_role_privs
  for (const p of privs)
    if (!known.has(p)) throw PveError.die(`invalid privilege '${p}'`);
  return privs;
}

/** Groups, roles, ACLs and the permissions dump. */
export const accessAclRoutes: SimRoute[] = [
  {
    method: 'GET',
    template: '/access/groups',
    operation: 'proxmox.access.read',
    params: {},
    handle: (ctx, req) =>
      // "restricted to groups where you have 'User.Modify', 'Sys.Audit' or 'Group.Allocate'
      // permissions on /access/groups/<group>"
      [...ctx.access.groups.entries()]
        .filter(([g]) =>
          hasPriv(
            ctx,
            req,
            `/access/groups/${g}`,
            ['User.Modify', 'Sys.Audit', 'Group.Allocate'],
            true,
          ),
        )
        .map(([g, v]) => ({
          groupid: g,
          ...(v.comment !== undefined ? { comment: v.comment } : {}),
          users: [...ctx.access.users.values()]
            .filter(u => u.groups.has(g))
            .map(u => u.userid)
            .join(','),
        })),
  },
  {
    method: 'POST',
    template: '/access/groups',
    operation: 'proxmox.access.write',
    params: { groupid, comment: P.optString },
    handle: (ctx, req) => {
      const g = String(req.params.groupid);
      if (ctx.access.groups.has(g))
        throw PveError.die(`create group failed: group '${g}' already exists`);
      ctx.access.groups.set(g, {
        comment: req.params.comment as string | undefined,
      });
      return null;
    },
  },
  {
    method: 'DELETE',
    template: '/access/groups/{groupid}',
    operation: 'proxmox.access.write',
    params: { groupid },
    handle: (ctx, req) => {
      const g = String(req.params.groupid);
      if (!ctx.access.groups.delete(g))
        throw PveError.die(`group '${g}' does not exist`);
      for (const u of ctx.access.users.values()) u.groups.delete(g);
      ctx.access.acl = ctx.access.acl.filter(
        a => !(a.type === 'group' && a.ugid === g),
      );
      return null;
    },
  },
  {
    method: 'GET',
    template: '/access/roles',
    operation: 'proxmox.access.read',
    params: {},
    handle: ctx =>
      [...ctx.access.roles.values()].map(r => ({
        roleid: r.roleid,
        privs: [...r.privs].sort().join(','),
        special: r.special ? 1 : 0,
      })),
  },
  {
    method: 'POST',
    template: '/access/roles',
    operation: 'proxmox.access.write',
    params: { roleid, privs: P.optString },
    handle: (ctx, req) => {
      const id = String(req.params.roleid);
      if (ctx.access.roles.has(id))
        throw PveError.die(`role '${id}' already exists`);
      ctx.access.roles.set(id, {
        roleid: id,
        privs: new Set(rolePrivs(req.params.privs)),
        special: false,
      });
      return null;
    },
  },
  {
    method: 'GET',
    template: '/access/roles/{roleid}',
    operation: 'proxmox.access.read',
    params: { roleid },
    handle: (ctx, req) => {
      const role = ctx.access.roles.get(String(req.params.roleid));
      if (!role)
        throw PveError.die(`role '${req.params.roleid}' does not exist`);
      return Object.fromEntries([...role.privs].map(p => [p, 1]));
    },
  },
  {
    method: 'PUT',
    template: '/access/roles/{roleid}',
    operation: 'proxmox.access.write',
    params: { roleid, privs: P.optString, append: P.bool },
    handle: (ctx, req) => {
      const role = ctx.access.roles.get(String(req.params.roleid));
      if (!role)
        throw PveError.die(`role '${req.params.roleid}' does not exist`);
      if (role.special)
        throw PveError.die(`cannot modify special role '${role.roleid}'`);
      const privs = rolePrivs(req.params.privs);
      if (req.params.append !== 1) role.privs.clear();
      for (const p of privs) role.privs.add(p);
      return null;
    },
  },
  {
    method: 'DELETE',
    template: '/access/roles/{roleid}',
    operation: 'proxmox.access.write',
    params: { roleid },
    handle: (ctx, req) => {
      const id = String(req.params.roleid);
      const role = ctx.access.roles.get(id);
      if (!role) throw PveError.die(`role '${id}' does not exist`);
      if (role.special)
        throw PveError.die(`cannot delete special role '${id}'`);
      ctx.access.roles.delete(id);
      ctx.access.acl = ctx.access.acl.filter(a => a.roleid !== id);
      return null;
    },
  },
  {
    method: 'GET',
    template: '/access/acl',
    operation: 'proxmox.access.read',
    params: {},
    handle: (ctx, req) =>
      // "restricted to objects where you have rights to modify permissions"
      ctx.access.acl
        .filter(a => permModify(ctx, req, a.path))
        .map(a => ({
          path: a.path,
          type: a.type,
          ugid: a.ugid,
          roleid: a.roleid,
          propagate: a.propagate ? 1 : 0,
        })),
  },
  {
    method: 'PUT',
    template: '/access/acl',
    operation: 'proxmox.access.write',
    params: {
      path: { type: 'string' },
      roles: { ...listOf(ID_RE, 'role'), optional: false },
      users: listOf(USERID_RE, 'user'),
      groups: listOf(ID_RE, 'group'),
      tokens: listOf(TOKENID_RE, 'token'),
      propagate: P.bool,
      delete: P.bool,
    },
    handle: (ctx, req) => {
      const p = req.params;
      const path = checkAclPath(String(p.path));
      const targets: Array<[PveAclEntry['type'], string]> = [
        ...list(p.users).map(u => ['user', u] as [PveAclEntry['type'], string]),
        ...list(p.groups).map(
          g => ['group', g] as [PveAclEntry['type'], string],
        ),
        ...list(p.tokens).map(
          t => ['token', t] as [PveAclEntry['type'], string],
        ),
      ];
      if (!targets.length)
        throw PveError.die("either 'users', 'groups' or 'tokens' is required");
      for (const role of list(p.roles)) {
        if (!ctx.access.roles.has(role))
          throw PveError.die(`role '${role}' does not exist`);
        for (const [type, ugid] of targets) {
          if (type === 'user') ctx.access.userOrDie(ugid);
          if (type === 'group' && !ctx.access.groups.has(ugid))
            throw PveError.die(`group '${ugid}' does not exist`);
          if (type === 'token') {
            const [u, t] = splitTokenId(ugid);
            if (!ctx.access.users.get(u)?.tokens.has(t!))
              throw PveError.die(`no such token '${t}' for user '${u}'`);
          }
          const entry = {
            path,
            type,
            ugid,
            roleid: role,
            propagate: p.propagate !== 0,
          };
          if (p.delete === 1) ctx.access.removeAcl(entry);
          else ctx.access.setAcl(entry);
        }
      }
      return null;
    },
  },
  {
    method: 'GET',
    template: '/access/permissions',
    operation: 'proxmox.access.read',
    params: {
      path: P.optString,
      userid: {
        type: 'string',
        optional: true,
        pattern:
          /^[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+(![A-Za-z][A-Za-z0-9.\-_]+)?$/,
      },
    },
    handle: (ctx, req) => {
      const me = caller(req);
      const who =
        req.params.userid !== undefined ? String(req.params.userid) : me;
      // "Each user/token is allowed to dump their own permissions (or that of owned tokens). A user
      // can dump the permissions of another user or their tokens if they have 'Sys.Audit' on /access."
      const own = who === me || splitTokenId(who)[0] === me;
      if (!own && !hasPriv(ctx, req, '/access', ['Sys.Audit']))
        throw PveError.perm('/access, Sys.Audit');
      const paths =
        req.params.path !== undefined
          ? [normalizePath(String(req.params.path))]
          : [...new Set(['/', ...ctx.access.acl.map(a => a.path)])];
      const out: Record<string, Record<string, number>> = {};
      for (const path of paths) {
        const privs = ctx.access.privileges(who, path);
        if (privs.size)
          out[path] = Object.fromEntries([...privs].sort().map(x => [x, 1]));
      }
      return out;
    },
  },
];

/** PVE::RPCEnvironment::check_perm_modify without raising. */
function permModify(ctx: SimContext, req: SimRequest, path: string): boolean {
  const privs = ['Permissions.Modify'];
  if (/^\/storage\/.+$/.test(path)) privs.push('Datastore.Allocate');
  else if (/^\/vms\/.+$/.test(path)) privs.push('VM.Allocate');
  else if (/^\/pool\/.+$/.test(path)) privs.push('Pool.Allocate');
  return hasPriv(ctx, req, path, privs, true);
}
