// `/access/*` (users, API tokens, groups, roles, ACLs, permissions) and the datacenter firewall
// options, as pve-access-control's API2 answers them.
import type { SimContext, SimRequest, SimRoute } from '../context';
import type { ParamSpec } from '../params';
import { P } from '../params';
import { PveError } from '../pveHttp';
import {
  normalizePath,
  splitTokenId,
  type PveAclEntry,
} from '../access/AccessControl';
import { pvePrivileges } from '../access/operationTable';
import { hasPriv } from '../access/guestChecks';

const USERID_RE = /^[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+$/;
const TOKENID_RE =
  /^[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+![A-Za-z][A-Za-z0-9.\-_]+$/;
const ID_RE = /^[A-Za-z0-9.\-_]+$/;

function listOf(re: RegExp, what: string): ParamSpec {
  return {
    type: 'string',
    optional: true,
    format: v =>
      v
        .split(/[,;\s]+/)
        .filter(Boolean)
        .every(x => re.test(x))
        ? undefined
        : `value '${v}' does not look like a valid ${what} list`,
  };
}

const userid: ParamSpec = {
  type: 'string',
  maxLength: 64,
  format: v =>
    USERID_RE.test(v)
      ? undefined
      : `invalid format - value does not look like a valid user name`,
};
const tokenid: ParamSpec = {
  type: 'string',
  pattern: /^[A-Za-z][A-Za-z0-9.\-_]+$/,
};
const roleid: ParamSpec = { type: 'string', pattern: ID_RE };
const groupid: ParamSpec = { type: 'string', pattern: ID_RE };
const userFields: Record<string, ParamSpec> = {
  comment: { type: 'string', optional: true, maxLength: 2048 },
  email: P.optString,
  enable: P.bool,
  expire: { type: 'integer', optional: true, min: 0 },
  firstname: P.optString,
  lastname: P.optString,
  groups: listOf(ID_RE, 'group'),
  keys: { type: 'string', optional: true, pattern: /^[0-9a-zA-Z!=]{0,4096}$/ },
};

function list(v: unknown): string[] {
  return String(v ?? '')
    .split(/[,;\s]+/)
    .filter(Boolean);
}

function caller(req: SimRequest): string {
  return req.auth.tokenUser;
}

function userEntry(ctx: SimContext, id: string, full = false) {
  const u = ctx.access.userOrDie(id);
  const entry: Record<string, unknown> = {
    userid: u.userid,
    enable: u.enable ? 1 : 0,
    expire: u.expire,
    groups: [...u.groups].join(','),
  };
  if (u.comment !== undefined) entry.comment = u.comment;
  if (full) entry.tokens = [...u.tokens.values()].map(tokenInfo);
  return entry;
}

function tokenInfo(t: {
  tokenid: string;
  privsep: boolean;
  expire: number;
  comment?: string;
}) {
  const info: Record<string, unknown> = {
    tokenid: t.tokenid,
    privsep: t.privsep ? 1 : 0,
    expire: t.expire,
  };
  if (t.comment !== undefined) info.comment = t.comment;
  return info;
}

function setGroups(
  ctx: SimContext,
  id: string,
  groups: string[],
  append: boolean,
) {
  const user = ctx.access.userOrDie(id);
  for (const g of groups)
    if (!ctx.access.groups.has(g)) throw PveError.die(`no such group '${g}'`);
  if (!append) user.groups.clear();
  for (const g of groups) user.groups.add(g);
}

function token(ctx: SimContext, req: SimRequest) {
  const user = ctx.access.userOrDie(String(req.params.userid));
  const t = user.tokens.get(String(req.params.tokenid));
  if (!t)
    throw PveError.die(
      `no such token '${req.params.tokenid}' for user '${user.userid}'`,
    );
  return { user, t };
}

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

/** The access-control routes and `GET|PUT /cluster/firewall/options`. */
export const accessRoutes: SimRoute[] = [
  {
    method: 'GET',
    template: '/access/users',
    operation: 'proxmox.access.read',
    params: { enabled: P.bool, full: P.bool },
    handle: (ctx, req) => {
      // "restricted to users where you have 'User.Modify' or 'Sys.Audit' permissions on
      // '/access/groups' or on a group the user belongs too. But it always includes the current user."
      const me = splitTokenId(caller(req))[0];
      const privs = ['User.Modify', 'Sys.Audit'];
      const all = hasPriv(ctx, req, '/access/groups', privs, true);
      return [...ctx.access.users.values()]
        .filter(
          u =>
            u.userid === me ||
            all ||
            [...u.groups].some(g =>
              hasPriv(ctx, req, `/access/groups/${g}`, privs, true),
            ),
        )
        .filter(
          u =>
            req.params.enabled === undefined ||
            Number(u.enable) === req.params.enabled,
        )
        .map(u => userEntry(ctx, u.userid, !!req.params.full));
    },
  },
  {
    method: 'POST',
    template: '/access/users',
    operation: 'proxmox.access.write',
    params: { ...userFields, userid, password: P.optString },
    handle: (ctx, req) => {
      const p = req.params;
      const id = String(p.userid);
      if (ctx.access.users.has(id))
        throw PveError.die(`create user failed: user '${id}' already exists`);
      const user = ctx.access.ensureUser(id);
      user.enable = p.enable === undefined ? true : p.enable === 1;
      user.expire = Number(p.expire ?? 0);
      if (p.comment !== undefined) user.comment = String(p.comment);
      try {
        setGroups(ctx, id, list(p.groups), false);
      } catch (e) {
        ctx.access.users.delete(id);
        throw e;
      }
      return null;
    },
  },
  {
    method: 'GET',
    template: '/access/users/{userid}',
    operation: 'proxmox.access.read',
    params: { userid },
    handle: (ctx, req) => {
      const { userid: _u, ...entry } = userEntry(
        ctx,
        String(req.params.userid),
        true,
      );
      const tokens: Record<string, unknown> = {};
      for (const t of entry.tokens as Array<Record<string, unknown>>) {
        const { tokenid: name, ...rest } = t;
        tokens[String(name)] = rest;
      }
      return { ...entry, groups: list(entry.groups), tokens };
    },
  },
  {
    method: 'PUT',
    template: '/access/users/{userid}',
    operation: 'proxmox.access.write',
    params: { ...userFields, userid, append: P.bool },
    handle: (ctx, req) => {
      const p = req.params;
      const user = ctx.access.userOrDie(String(p.userid));
      if (p.enable !== undefined) user.enable = p.enable === 1;
      if (p.expire !== undefined) user.expire = Number(p.expire);
      if (p.comment !== undefined) user.comment = String(p.comment);
      if (p.groups !== undefined)
        setGroups(ctx, user.userid, list(p.groups), p.append === 1);
      return null;
    },
  },
  {
    method: 'DELETE',
    template: '/access/users/{userid}',
    operation: 'proxmox.access.write',
    params: { userid },
    handle: (ctx, req) => {
      const id = String(req.params.userid);
      ctx.access.userOrDie(id);
      ctx.access.users.delete(id);
      // delete_user_acl and the tokens' ACLs go with the user
      ctx.access.acl = ctx.access.acl.filter(
        a =>
          !(a.type === 'user' && a.ugid === id) &&
          !(a.type === 'token' && splitTokenId(a.ugid)[0] === id),
      );
      return null;
    },
  },
  {
    method: 'GET',
    template: '/access/users/{userid}/token',
    operation: 'proxmox.access.read',
    params: { userid },
    handle: (ctx, req) =>
      [...ctx.access.userOrDie(String(req.params.userid)).tokens.values()].map(
        tokenInfo,
      ),
  },
  {
    method: 'GET',
    template: '/access/users/{userid}/token/{tokenid}',
    operation: 'proxmox.access.read',
    params: { userid, tokenid },
    handle: (ctx, req) => {
      const { tokenid: _t, ...info } = tokenInfo(token(ctx, req).t);
      return info;
    },
  },
  {
    method: 'POST',
    template: '/access/users/{userid}/token/{tokenid}',
    operation: 'proxmox.access.write',
    params: {
      userid,
      tokenid,
      comment: P.optString,
      expire: { type: 'integer', optional: true, min: 0 },
      privsep: P.bool,
    },
    handle: (ctx, req) => {
      const p = req.params;
      const t = ctx.access.createToken(String(p.userid), String(p.tokenid), {
        privsep: p.privsep === undefined ? undefined : p.privsep === 1,
        expire: p.expire === undefined ? undefined : Number(p.expire),
        comment: p.comment === undefined ? undefined : String(p.comment),
      });
      const { tokenid: _t, ...info } = tokenInfo(t);
      return {
        'full-tokenid': `${p.userid}!${t.tokenid}`,
        info,
        value: t.secret,
      };
    },
  },
  {
    method: 'PUT',
    template: '/access/users/{userid}/token/{tokenid}',
    operation: 'proxmox.access.write',
    params: {
      userid,
      tokenid,
      comment: P.optString,
      delete: P.optString,
      expire: { type: 'integer', optional: true, min: 0 },
      privsep: P.bool,
    },
    handle: (ctx, req) => {
      const p = req.params;
      const { t } = token(ctx, req);
      if (p.privsep !== undefined) t.privsep = p.privsep === 1;
      if (p.expire !== undefined) t.expire = Number(p.expire);
      if (p.comment !== undefined) t.comment = String(p.comment);
      if (list(p.delete).includes('comment')) delete t.comment;
      const { tokenid: _t, ...info } = tokenInfo(t);
      return info;
    },
  },
  {
    method: 'DELETE',
    template: '/access/users/{userid}/token/{tokenid}',
    operation: 'proxmox.access.write',
    params: { userid, tokenid },
    handle: (ctx, req) => {
      const { user, t } = token(ctx, req);
      user.tokens.delete(t.tokenid);
      const id = `${user.userid}!${t.tokenid}`;
      ctx.access.acl = ctx.access.acl.filter(
        a => !(a.type === 'token' && a.ugid === id),
      );
      return null;
    },
  },
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
  {
    method: 'GET',
    template: '/cluster/firewall/options',
    operation: 'proxmox.cluster.firewall.options.get',
    params: {},
    handle: ctx => ({ ...ctx.clusterFirewall }),
  },
  {
    method: 'PUT',
    template: '/cluster/firewall/options',
    operation: 'proxmox.cluster.firewall.options.set',
    params: {
      enable: { type: 'integer', optional: true, min: 0 },
      ebtables: P.bool,
      policy_in: {
        type: 'string',
        optional: true,
        enum: ['ACCEPT', 'REJECT', 'DROP'],
      },
      policy_out: {
        type: 'string',
        optional: true,
        enum: ['ACCEPT', 'REJECT', 'DROP'],
      },
      policy_forward: {
        type: 'string',
        optional: true,
        enum: ['ACCEPT', 'DROP'],
      },
      log_ratelimit: P.optString,
      delete: P.optString,
      digest: P.digest,
    },
    handle: (ctx, req) => {
      const { delete: del, digest: _d, ...changes } = req.params;
      for (const k of list(del)) delete ctx.clusterFirewall[k];
      Object.assign(ctx.clusterFirewall, changes);
      return null;
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
