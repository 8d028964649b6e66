// The datacenter firewall options (`/cluster/firewall/options`).
import type { SimRoute } from '../context';
import { P } from '../params';
import { list } from './accessParams';

/** `GET|PUT /cluster/firewall/options` (PVE's default: no options set, the firewall off). */
export const clusterFirewallRoutes: SimRoute[] = [
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
