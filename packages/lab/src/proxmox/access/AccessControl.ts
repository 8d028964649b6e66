import { randomUUID } from 'node:crypto';
import { PveError } from '../pveHttp';
import { pvePrivileges } from './operationTable';

/** An API token of a user (`user@realm!tokenid`). */
export interface PveToken {
  tokenid: string;
  /** Privilege separation: the token has only its own ACLs, intersected with its user's. */
  privsep: boolean;
  /** Epoch seconds; 0 = never. */
  expire: number;
  comment?: string;
  secret: string;
}

/** A user of the simulated cluster (`user.cfg`). */
export interface PveUser {
  userid: string;
  enable: boolean;
  expire: number;
  comment?: string;
  groups: Set<string>;
  tokens: Map<string, PveToken>;
}

/** One ACL entry (`acl:propagate:path:ugid:roleid` in `user.cfg`). */
export interface PveAclEntry {
  path: string;
  type: 'user' | 'group' | 'token';
  ugid: string;
  roleid: string;
  propagate: boolean;
}

/** A role: built-in ones are `special` and cannot be changed. */
export interface PveRole {
  roleid: string;
  privs: Set<string>;
  special: boolean;
}

/** PVE::AccessControl::normalize_path. */
export function normalizePath(path: string): string {
  const p = `/${path}`.replace(/\/+/g, '/').replace(/\/$/, '');
  return p || '/';
}

/** The paths PVE walks from the root to `path`: `/`, `/vms`, `/vms/100`. */
function pathChain(path: string): string[] {
  const parts = normalizePath(path).split('/').filter(Boolean);
  return ['/', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
}

/** `user@realm!token` splits into the user and the token name. */
export function splitTokenId(authid: string): [string, string | undefined] {
  const i = authid.indexOf('!');
  return i < 0
    ? [authid, undefined]
    : [authid.slice(0, i), authid.slice(i + 1)];
}

/**
 * PVE's access control (pve-access-control `PVE::AccessControl::roles` and
 * `PVE::RPCEnvironment::permissions`): users, groups, API tokens, roles and ACLs on paths.
 * At each path from `/` down, the caller's own ACLs replace what was inherited (group ACLs only
 * apply where the user has none); a non-propagating ACL applies only on its own path; a
 * privilege-separated token has the intersection of its own privileges and its user's.
 * Pools are not modelled (the lab has none).
 */
export class AccessControl {
  readonly users = new Map<string, PveUser>();
  readonly groups = new Map<string, { comment?: string }>();
  readonly roles = new Map<string, PveRole>();
  acl: PveAclEntry[] = [];

  constructor() {
    this.roles.set('Administrator', {
      roleid: 'Administrator',
      privs: new Set(pvePrivileges()),
      special: true,
    });
    this.roles.set('NoAccess', {
      roleid: 'NoAccess',
      privs: new Set(),
      special: true,
    });
  }

  /**
   * Registers `user@realm!tokenid` with this secret, the token sharing its user's privileges
   * (privsep 0) and the user holding Administrator on `/`: the lab's built-in tokens.
   */
  addAdminToken(id: string, secret: string): void {
    const [userid, tokenid] = splitTokenId(id);
    if (!tokenid) throw new Error(`not a token id: ${id}`);
    const user = this.ensureUser(userid);
    user.tokens.set(tokenid, { tokenid, privsep: false, expire: 0, secret });
    this.setAcl({
      path: '/',
      type: 'user',
      ugid: userid,
      roleid: 'Administrator',
      propagate: true,
    });
  }

  /** The user, created enabled when missing. */
  ensureUser(userid: string): PveUser {
    let user = this.users.get(userid);
    if (!user) {
      user = {
        userid,
        enable: true,
        expire: 0,
        groups: new Set(),
        tokens: new Map(),
      };
      this.users.set(userid, user);
    }
    return user;
  }

  /** A new token and its secret (POST /access/users/{userid}/token/{tokenid}). */
  createToken(
    userid: string,
    tokenid: string,
    options: { privsep?: boolean; expire?: number; comment?: string },
  ): PveToken {
    const user = this.userOrDie(userid);
    if (user.tokens.has(tokenid)) throw PveError.die(`Token already exists.`);
    const token: PveToken = {
      tokenid,
      privsep: options.privsep ?? true,
      expire: options.expire ?? user.expire,
      comment: options.comment,
      secret: randomUUID(),
    };
    user.tokens.set(tokenid, token);
    return token;
  }

  /** The user or PVE's `no such user` die. */
  userOrDie(userid: string): PveUser {
    const user = this.users.get(userid);
    if (!user) throw PveError.die(`no such user ('${userid}')`);
    return user;
  }

  /** Adds (or replaces the propagate flag of) an ACL entry. */
  setAcl(entry: PveAclEntry): void {
    entry.path = normalizePath(entry.path);
    this.removeAcl(entry);
    this.acl.push(entry);
  }

  /** Removes an ACL entry (same path, type, ugid and role). */
  removeAcl(entry: Omit<PveAclEntry, 'propagate'>): void {
    const path = normalizePath(entry.path);
    this.acl = this.acl.filter(
      a =>
        !(
          a.path === path &&
          a.type === entry.type &&
          a.ugid === entry.ugid &&
          a.roleid === entry.roleid
        ),
    );
  }

  /** The token or the user an authid names, if it exists, is enabled and has not expired. */
  private active(authid: string): boolean {
    const [userid, tokenid] = splitTokenId(authid);
    const user = this.users.get(userid);
    const now = Date.now() / 1000;
    if (!user || !user.enable || (user.expire && user.expire < now))
      return false;
    if (tokenid === undefined) return true;
    const token = user.tokens.get(tokenid);
    return !!token && !(token.expire && token.expire < now);
  }

  /** PVE::AccessControl::roles: role -> propagate for `authid` (a user or a token) on `path`. */
  rolesOn(authid: string, path: string): Map<string, boolean> {
    const [userid, tokenid] = splitTokenId(authid);
    if (authid === 'root@pam') return new Map([['Administrator', true]]);
    const own = tokenid === undefined ? 'user' : 'token';
    const groups =
      tokenid === undefined ? this.users.get(userid)?.groups : undefined;
    const target = normalizePath(path);
    let roles = new Map<string, boolean>();
    for (const p of pathChain(target)) {
      const final = p === target;
      const here = this.acl.filter(a => a.path === p);
      const apply = (entries: PveAclEntry[]) => {
        const next = new Map<string, boolean>();
        for (const a of entries)
          if (final || a.propagate) next.set(a.roleid, a.propagate);
        return next.size ? next : undefined;
      };
      // the caller's own ACLs override the group ACLs at the same level
      const mine = apply(here.filter(a => a.type === own && a.ugid === authid));
      if (mine) {
        roles = mine;
        continue;
      }
      const viaGroups = apply(
        here.filter(a => a.type === 'group' && groups?.has(a.ugid)),
      );
      if (viaGroups) roles = viaGroups;
    }
    if (roles.has('NoAccess'))
      return new Map([['NoAccess', roles.get('NoAccess')!]]);
    return roles;
  }

  /** PVE::RPCEnvironment::permissions: the privileges `authid` has on `path`. */
  privileges(authid: string, path: string): Set<string> {
    if (!this.active(authid)) return new Set();
    const [userid, tokenid] = splitTokenId(authid);
    const fromRoles = (id: string) => {
      const out = new Set<string>();
      for (const roleid of this.rolesOn(id, path).keys())
        for (const p of this.roles.get(roleid)?.privs ?? []) out.add(p);
      return out;
    };
    if (tokenid === undefined) return fromRoles(userid);
    const userPrivs = fromRoles(userid);
    if (!this.users.get(userid)!.tokens.get(tokenid)!.privsep) return userPrivs;
    return new Set([...fromRoles(authid)].filter(p => userPrivs.has(p)));
  }

  /**
   * PVE::RPCEnvironment::check / check_any: throws 403 `Permission check failed (path, priv)`
   * (the first missing privilege; with `any`, all of them joined by `|`). Returns false instead
   * with `noerr`.
   */
  check(
    authid: string,
    path: string,
    privs: string[],
    options: { any?: boolean; noerr?: boolean } = {},
  ): boolean {
    const have = this.privileges(authid, path);
    const p = normalizePath(path);
    if (options.any) {
      if (privs.some(x => have.has(x))) return true;
      if (options.noerr) return false;
      throw PveError.perm(`${p}, ${privs.join('|')}`);
    }
    const missing = privs.find(x => !have.has(x));
    if (missing === undefined) return true;
    if (options.noerr) return false;
    throw PveError.perm(`${p}, ${missing}`);
  }
}
