// Parameters and helpers the `/access/*` routes share (pve-access-control's formats).
import type { SimRequest } from '../context';
import type { ParamSpec } from '../params';
import { P } from '../params';

export const USERID_RE = /^[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+$/;
export const TOKENID_RE =
  /^[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+![A-Za-z][A-Za-z0-9.\-_]+$/;
export const ID_RE = /^[A-Za-z0-9.\-_]+$/;

export function listOf(re: RegExp, what: string): ParamSpec {
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

export const userid: ParamSpec = {
  type: 'string',
  maxLength: 64,
  format: v =>
    USERID_RE.test(v)
      ? undefined
      : `invalid format - value does not look like a valid user name`,
};
export const tokenid: ParamSpec = {
  type: 'string',
  pattern: /^[A-Za-z][A-Za-z0-9.\-_]+$/,
};
export const roleid: ParamSpec = { type: 'string', pattern: ID_RE };
export const groupid: ParamSpec = { type: 'string', pattern: ID_RE };
export const userFields: Record<string, ParamSpec> = {
  comment: { type: 'string', optional: true, maxLength: 2048 },
  email: P.optString,
  enable: P.bool,
  expire: { type: 'integer', optional: true, min: 0 },
  firstname: P.optString,
  lastname: P.optString,
  groups: listOf(ID_RE, 'group'),
  keys: { type: 'string', optional: true, pattern: /^[0-9a-zA-Z!=]{0,4096}$/ },
};

export function list(v: unknown): string[] {
  return String(v ?? '')
    .split(/[,;\s]+/)
    .filter(Boolean);
}

/** The authid the request's privileges are checked for. */
export function caller(req: SimRequest): string {
  return req.auth.tokenUser;
}
