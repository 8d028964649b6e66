import { type SimRoute } from '../context';
import { P } from '../params';
import { ctDigest } from '../hotplug';
import { NET_KEYS, CONFIG_PARAMS, resizeCt, updateConfig } from './lxcConfig';
import { createCt, cloneCt } from './lxcCreate';
import { startCt, stopCt, destroyCt } from './lxcPower';

const vmidPath = { node: P.node, vmid: P.vmid };

/** CT lifecycle routes: create, clone, power, destroy, resize and config. */
export const lifecycleRoutes: SimRoute[] = [
  {
    method: 'POST',
    template: '/nodes/{node}/lxc',
    operation: 'proxmox.lxc.create',
    task: true,
    params: {
      ...CONFIG_PARAMS,
      node: P.node,
      vmid: P.vmid,
      ostemplate: { type: 'string', maxLength: 255 },
      unprivileged: P.bool,
      'ssh-public-keys': P.optString,
      password: { type: 'string', optional: true },
      pool: P.optString,
      start: P.bool,
      storage: P.optString,
      restore: P.bool,
      force: P.bool,
      unique: P.bool,
      'ignore-unpack-errors': P.bool,
      bwlimit: { type: 'number', optional: true, min: 0 },
    },
    indexed: { net: P.propString(NET_KEYS) },
    handle: createCt,
  },
  {
    method: 'POST',
    template: '/nodes/{node}/lxc/{vmid}/clone',
    operation: 'proxmox.lxc.clone',
    task: true,
    params: {
      ...vmidPath,
      newid: P.vmid,
      hostname: P.dnsName,
      full: P.bool,
      pool: P.optString,
      target: { ...P.node, optional: true },
      description: P.optString,
      snapname: { ...P.snapname, optional: true },
      storage: P.optString,
      bwlimit: { type: 'number', optional: true, min: 0 },
    },
    handle: cloneCt,
  },
  {
    method: 'POST',
    template: '/nodes/{node}/lxc/{vmid}/status/start',
    operation: 'proxmox.lxc.start',
    task: true,
    params: { ...vmidPath, debug: P.bool, skiplock: P.bool },
    handle: startCt,
  },
  {
    method: 'POST',
    template: '/nodes/{node}/lxc/{vmid}/status/stop',
    operation: 'proxmox.lxc.stop',
    task: true,
    params: { ...vmidPath, skiplock: P.bool, 'overrule-shutdown': P.bool },
    handle: (ctx, req) => stopCt(ctx, req, 'stop'),
  },
  {
    method: 'POST',
    template: '/nodes/{node}/lxc/{vmid}/status/shutdown',
    operation: 'proxmox.lxc.shutdown',
    task: true,
    params: {
      ...vmidPath,
      timeout: { type: 'integer', optional: true, min: 0 },
      forceStop: P.bool,
    },
    handle: (ctx, req) => stopCt(ctx, req, 'shutdown'),
  },
  {
    method: 'DELETE',
    template: '/nodes/{node}/lxc/{vmid}',
    operation: 'proxmox.lxc.destroy',
    task: true,
    params: {
      ...vmidPath,
      purge: P.bool,
      force: P.bool,
      'destroy-unreferenced-disks': P.bool,
    },
    handle: destroyCt,
  },
  {
    method: 'PUT',
    template: '/nodes/{node}/lxc/{vmid}/resize',
    operation: 'proxmox.lxc.resize',
    task: true,
    params: {
      ...vmidPath,
      disk: {
        type: 'string',
        enum: ['rootfs', ...Array.from({ length: 256 }, (_, i) => `mp${i}`)],
      },
      size: { type: 'string', pattern: /^\+?\d+(\.\d+)?[KMGT]?$/ },
      digest: { type: 'string', optional: true, maxLength: 40 },
    },
    handle: resizeCt,
  },
  {
    method: 'GET',
    template: '/nodes/{node}/lxc/{vmid}/config',
    operation: 'proxmox.lxc.config.get',
    params: {
      ...vmidPath,
      current: P.bool,
      snapshot: { ...P.snapname, optional: true },
    },
    handle: (ctx, req) => {
      const ct = ctx.ct(Number(req.params.vmid));
      // pending values unless `current=1` asks for the values in effect
      const pending = req.params.current ? {} : ct.pending;
      const config = {
        ...ct.config,
        ...pending,
        digest: ctDigest(ct),
      } as Record<string, unknown>;
      if (ct.lock) config.lock = ct.lock;
      return config;
    },
  },
  {
    method: 'PUT',
    template: '/nodes/{node}/lxc/{vmid}/config',
    operation: 'proxmox.lxc.config.update',
    params: {
      ...vmidPath,
      ...CONFIG_PARAMS,
      digest: { type: 'string', optional: true, maxLength: 40 },
      delete: P.optString,
    },
    indexed: { net: P.propString(NET_KEYS) },
    handle: updateConfig,
  },
];
