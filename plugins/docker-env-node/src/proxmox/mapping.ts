import { InputError } from '@backstage/errors';
import type {
  LxcConfig,
  LxcFirewallRule,
  LxcInterface,
  LxcListEntry,
  LxcStatus,
} from './types';

/** Splits PVE's tag string (`a;b`, also `,` or space separated). */
function splitTags(value: unknown): string[] {
  return typeof value === 'string' ? value.split(/[;, ]+/).filter(Boolean) : [];
}

const n = (v: unknown): number =>
  typeof v === 'number' ? v : Number(v ?? 0) || 0;
const optStr = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : undefined;
const flag = (v: unknown): boolean => v === true || Number(v) === 1;

/** Maps a `GET /nodes/{node}/lxc` entry. */
export function toListEntry(
  e: Record<string, unknown>,
): Omit<LxcListEntry, 'node'> {
  return {
    vmid: n(e.vmid),
    name: optStr(e.name),
    status: e.status === 'running' ? 'running' : 'stopped',
    tags: splitTags(e.tags),
    template: flag(e.template),
    lock: optStr(e.lock),
  };
}

/** Maps a `GET /cluster/resources?type=vm` entry of type `lxc`. */
export function toClusterEntry(e: Record<string, unknown>): LxcListEntry {
  return { ...toListEntry(e), node: String(e.node ?? '') };
}

/** A config digest as PVE hands it out (sha1 or sha256 hex). */
export function digest(value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{40,64}$/.test(value))
    throw new InputError('digest: must be a hex digest');
  return value;
}

/** Maps `GET CT/status/current`. */
export function toStatus(s: any): LxcStatus {
  return {
    vmid: n(s.vmid),
    name: optStr(s.name),
    status: s.status === 'running' ? 'running' : 'stopped',
    cpu: n(s.cpu),
    cpus: n(s.cpus),
    mem: n(s.mem),
    maxmem: n(s.maxmem),
    swap: s.swap === undefined ? undefined : n(s.swap),
    maxswap: s.maxswap === undefined ? undefined : n(s.maxswap),
    disk: n(s.disk),
    maxdisk: n(s.maxdisk),
    netin: n(s.netin),
    netout: n(s.netout),
    diskread: n(s.diskread),
    diskwrite: n(s.diskwrite),
    uptime: n(s.uptime),
    lock: optStr(s.lock),
    tags: splitTags(s.tags),
    template: flag(s.template),
  };
}

/** Maps `GET CT/interfaces` (null when the CT is stopped); reads `ip-addresses`, not `inet`. */
export function toInterfaces(data: unknown): LxcInterface[] | null {
  if (!Array.isArray(data)) return null;
  return data
    .filter(i => i && typeof i === 'object')
    .map((i: Record<string, unknown>) => ({
      name: String(i.name),
      hwaddr: String(i['hardware-address'] ?? i.hwaddr ?? ''),
      addresses: (Array.isArray(i['ip-addresses']) ? i['ip-addresses'] : [])
        .filter(
          (a: Record<string, unknown>) => typeof a?.['ip-address'] === 'string',
        )
        .map((a: Record<string, unknown>) => ({
          address: String(a['ip-address']),
          type: String(a['ip-address-type'] ?? ''),
          prefix: a.prefix === undefined ? undefined : n(a.prefix),
        })),
    }));
}

/** Maps `GET CT/config`. */
export function toConfig(c: any): LxcConfig {
  return {
    digest: String(c.digest ?? ''),
    hostname: optStr(c.hostname),
    cores: c.cores === undefined ? undefined : n(c.cores),
    memory: c.memory === undefined ? undefined : n(c.memory),
    swap: c.swap === undefined ? undefined : n(c.swap),
    cpulimit: c.cpulimit === undefined ? undefined : n(c.cpulimit),
    rootfs: optStr(c.rootfs),
    net0: optStr(c.net0),
    features: optStr(c.features),
    tags: splitTags(c.tags),
    description: optStr(c.description),
    template: flag(c.template),
    unprivileged: flag(c.unprivileged),
    lock: optStr(c.lock),
    raw: c,
  };
}

/** Maps a firewall rule entry. */
export function toFirewallRule(r: Record<string, unknown>): LxcFirewallRule {
  return {
    pos: n(r.pos),
    type: r.type as LxcFirewallRule['type'],
    action: r.action as LxcFirewallRule['action'],
    enable: r.enable === undefined ? undefined : flag(r.enable),
    proto: optStr(r.proto) as LxcFirewallRule['proto'],
    dport: optStr(r.dport),
    source: optStr(r.source),
    dest: optStr(r.dest),
    comment: optStr(r.comment),
  };
}
