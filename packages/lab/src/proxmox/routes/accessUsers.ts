// `/access/users` and their API tokens, as pve-access-control's API2 answers them.
import type { SimContext, SimRequest, SimRoute } from '../context';
import { P } from '../params';
import { PveError } from '../pveHttp';
import { splitTokenId } from '../access/AccessControl';
import { hasPriv } from '../access/guestChecks';
import { caller, list, tokenid, userFields, userid } from './accessParams';

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

/** Users and API tokens. */
export const accessUserRoutes: SimRoute[] = [
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
];
