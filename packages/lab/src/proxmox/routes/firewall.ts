import { createHash } from 'node:crypto';
import { assertDigest, type SimRoute } from '../context';
import { P, type ParamSpec } from '../params';
import { PveError } from '../pveHttp';
import type { SimFirewallRule } from '../state';

const vmidPath = { node: P.node, vmid: P.vmid };
const LOG_LEVELS = [
  'emerg',
  'alert',
  'crit',
  'err',
  'warning',
  'notice',
  'info',
  'debug',
  'nolog',
];
const POLICY: ParamSpec = {
  type: 'string',
  optional: true,
  enum: ['ACCEPT', 'REJECT', 'DROP'],
};

function digestOf(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('hex');
}

const RULE_PARAMS: Record<string, ParamSpec> = {
  type: { type: 'string', enum: ['in', 'out', 'forward', 'group'] },
  action: {
    type: 'string',
    pattern: /^[A-Za-z][A-Za-z0-9\-_]+$/,
    maxLength: 20,
  },
  enable: { type: 'integer', optional: true, min: 0 },
  pos: { type: 'integer', optional: true, min: 0 },
  proto: P.optString,
  dport: { type: 'string', optional: true, pattern: /^[0-9a-z:,-]+$/i },
  sport: { type: 'string', optional: true, pattern: /^[0-9a-z:,-]+$/i },
  source: {
    type: 'string',
    optional: true,
    maxLength: 512,
    pattern: /^[0-9a-fA-F.:/,+!-]+$/,
  },
  dest: {
    type: 'string',
    optional: true,
    maxLength: 512,
    pattern: /^[0-9a-fA-F.:/,+!-]+$/,
  },
  comment: P.optString,
  macro: { type: 'string', optional: true, maxLength: 128 },
  iface: { type: 'string', optional: true, pattern: /^[a-z][a-z0-9_]{1,19}$/ },
  log: { type: 'string', optional: true, enum: LOG_LEVELS },
  digest: P.digest,
};

/** Per-CT firewall routes: options get/set, rules list/create/delete. */
export const firewallRoutes: SimRoute[] = [
  {
    method: 'GET',
    template: '/nodes/{node}/lxc/{vmid}/firewall/options',
    operation: 'proxmox.lxc.firewall.options.get',
    params: vmidPath,
    handle: (ctx, req) => {
      const ct = ctx.ct(Number(req.params.vmid));
      return { ...ct.firewall.options, digest: digestOf(ct.firewall.options) };
    },
  },
  {
    method: 'PUT',
    template: '/nodes/{node}/lxc/{vmid}/firewall/options',
    operation: 'proxmox.lxc.firewall.options.set',
    params: {
      ...vmidPath,
      enable: P.bool,
      dhcp: P.bool,
      ipfilter: P.bool,
      macfilter: P.bool,
      ndp: P.bool,
      radv: P.bool,
      policy_in: POLICY,
      policy_out: POLICY,
      log_level_in: { type: 'string', optional: true, enum: LOG_LEVELS },
      log_level_out: { type: 'string', optional: true, enum: LOG_LEVELS },
      delete: P.optString,
      digest: P.digest,
    },
    handle: (ctx, req) => {
      const ct = ctx.ct(Number(req.params.vmid));
      const {
        node: _n,
        vmid: _v,
        digest,
        delete: del,
        ...changes
      } = req.params;
      assertDigest(digest, digestOf(ct.firewall.options));
      for (const key of String(del ?? '')
        .split(/[,; ]+/)
        .filter(Boolean))
        delete ct.firewall.options[key];
      Object.assign(ct.firewall.options, changes);
      return null;
    },
  },
  {
    method: 'GET',
    template: '/nodes/{node}/lxc/{vmid}/firewall/rules',
    operation: 'proxmox.lxc.firewall.rules.list',
    params: vmidPath,
    handle: (ctx, req) => {
      const ct = ctx.ct(Number(req.params.vmid));
      const digest = digestOf(ct.firewall.rules);
      return ct.firewall.rules.map((r, pos) => ({
        ...r,
        pos,
        digest,
        ipversion: r.source?.includes(':') ? 6 : undefined,
      }));
    },
  },
  {
    method: 'POST',
    template: '/nodes/{node}/lxc/{vmid}/firewall/rules',
    operation: 'proxmox.lxc.firewall.rules.create',
    params: { ...vmidPath, ...RULE_PARAMS },
    handle: (ctx, req) => {
      const ct = ctx.ct(Number(req.params.vmid));
      const { node: _n, vmid: _v, digest, pos, ...rule } = req.params;
      assertDigest(digest, digestOf(ct.firewall.rules));
      if (
        rule.type !== 'group' &&
        !['ACCEPT', 'DROP', 'REJECT'].includes(String(rule.action)) &&
        rule.macro === undefined
      ) {
        throw PveError.params({ action: `unknown action '${rule.action}'` });
      }
      const at =
        pos === undefined ? 0 : Math.min(Number(pos), ct.firewall.rules.length);
      ct.firewall.rules.splice(at, 0, rule as unknown as SimFirewallRule);
      return null;
    },
  },
  {
    method: 'DELETE',
    template: '/nodes/{node}/lxc/{vmid}/firewall/rules/{pos}',
    operation: 'proxmox.lxc.firewall.rules.delete',
    params: { ...vmidPath, pos: { type: 'integer', min: 0 }, digest: P.digest },
    handle: (ctx, req) => {
      const ct = ctx.ct(Number(req.params.vmid));
      assertDigest(req.params.digest, digestOf(ct.firewall.rules));
      const pos = Number(req.params.pos);
      if (pos >= ct.firewall.rules.length)
        throw PveError.die(`no rule at position ${pos}`);
      ct.firewall.rules.splice(pos, 1);
      return null;
    },
  },
];
