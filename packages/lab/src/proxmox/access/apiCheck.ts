import { PveError } from '../pveHttp';
import {
  normalizePath,
  splitTokenId,
  type AccessControl,
} from './AccessControl';
import type { PveCheck } from './operationTable';

/** Raw request parameters (path, query and body merged, path parameters winning). */
export type RawParams = Record<string, string | number | undefined>;

function options(rest: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < rest.length; i += 2)
    out[String(rest[i])] = rest[i + 1];
  return out;
}

/** PVE::Tools::template_replace: `{name}` becomes the parameter's value. */
function templateReplace(template: string, params: RawParams): string {
  return template.replace(/\{(\w+)\}/g, (_m, n) => String(params[n] ?? ''));
}

function groupList(value: unknown): string[] {
  return String(value ?? '')
    .split(/[,;\s]+/)
    .filter(Boolean);
}

/**
 * PVE::RPCEnvironment::check_api2_perm: evaluates an operation's `check` expression for `authid`
 * with the request's raw parameters. Throws PVE's 403 (or returns false with `noerr`). Knows every
 * kind the pinned schema uses: `and`, `or`, `perm` (with `any` and `require_param`),
 * `userid-param` (`self`, `Realm.AllocateUser`), `userid-group` (with `groups_param`) and
 * `perm-modify`; an unknown kind is an error (a newer schema needs the lab taught first).
 */
export function checkApi2Perm(
  access: AccessControl,
  check: PveCheck,
  authid: string,
  params: RawParams,
  noerr = false,
): boolean {
  const [kind, ...rest] = check;
  switch (kind) {
    case 'and':
      for (const sub of rest) {
        if (!checkApi2Perm(access, sub as PveCheck, authid, params, noerr))
          return false;
      }
      return true;
    case 'or':
      for (const sub of rest) {
        if (checkApi2Perm(access, sub as PveCheck, authid, params, true))
          return true;
      }
      if (noerr) return false;
      throw PveError.perm();
    case 'perm': {
      const [template, privs, ...more] = rest as [
        string,
        string[],
        ...unknown[],
      ];
      const opts = options(more);
      const required = opts.require_param as string | undefined;
      if (required && params[required] === undefined) {
        if (noerr) return false;
        throw PveError.perm();
      }
      const path = normalizePath(templateReplace(template, params));
      return access.check(authid, path, privs, { any: !!opts.any, noerr });
    }
    case 'userid-param': {
      const userid = String(params.userid ?? '');
      const realm = userid.slice(userid.lastIndexOf('@') + 1);
      const sub = rest[0];
      if (sub === 'self') {
        access.userOrDie(userid);
        if (authid === userid) return true;
        if (noerr) return false;
        throw PveError.perm();
      }
      if (sub === 'Realm.AllocateUser')
        return access.check(authid, `/access/realm/${realm}`, [sub], { noerr });
      throw new Error(`unknown userid-param check ${String(sub)}`);
    }
    case 'userid-group': {
      const [privs, ...more] = rest as [string[], ...unknown[]];
      const opts = options(more);
      const userid = String(params.userid ?? '');
      if (opts.groups_param !== 'create') access.userOrDie(userid);
      if (
        access.check(authid, '/access/groups', privs, {
          any: true,
          noerr: true,
        })
      )
        return true;
      const allowed = [...access.groups.keys()].filter(g =>
        access.check(authid, `/access/groups/${g}`, privs, {
          any: true,
          noerr: true,
        }),
      );
      if (opts.groups_param) {
        for (const g of groupList(params.groups)) {
          if (allowed.includes(g)) continue;
          if (noerr) return false;
          throw PveError.perm(`/access/groups/${g}, ${privs.join('|')}`);
        }
      }
      const member = [...(access.users.get(userid)?.groups ?? [])].some(g =>
        allowed.includes(g),
      );
      if (member) return true;
      if (noerr) return false;
      throw PveError.perm(`/access, ${privs.join('|')}`);
    }
    case 'perm-modify': {
      // PVE::RPCEnvironment::check_perm_modify
      const path = normalizePath(templateReplace(String(rest[0]), params));
      const privs = ['Permissions.Modify'];
      if (/^\/storage\/.+$/.test(path)) privs.push('Datastore.Allocate');
      else if (/^\/vms\/.+$/.test(path)) privs.push('VM.Allocate');
      else if (/^\/pool\/.+$/.test(path)) privs.push('Pool.Allocate');
      return access.check(authid, path, privs, { any: true, noerr });
    }
    default:
      throw new Error(`unknown permission check '${String(kind)}'`);
  }
}

/** True when `authid` is the task's owner (a token owns the tasks it started). */
export function ownsTask(authid: string, taskUser: string): boolean {
  return taskUser === authid || splitTokenId(taskUser)[0] === authid;
}
