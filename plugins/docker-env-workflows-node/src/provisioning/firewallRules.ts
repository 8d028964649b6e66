import type { Config } from '@backstage/config';
import {
  ConfigError,
  type LxcFirewallRule,
} from '@docker-env/plugin-docker-env-node';
import { isIPv4, isIPv6 } from 'node:net';

const SOURCES = 'dockerEnv.provisioning.firewall.sources';

/**
 * Where each environment's inbound traffic may come from (`dockerEnv.provisioning.firewall.sources`): addresses or
 * CIDRs per role. A role left out gets no rule, so its traffic is dropped (`policy_in DROP`).
 *
 * @public
 */
export interface FirewallSources {
  /** The portal's replicas: the agent step pings the agent, deploy health checks call published ports, SSH. */
  portal: string[];
  /** The Portainer server(s): the agent port. */
  portainer: string[];
  /** The Traefik host(s): the published ports. */
  traefik: string[];
  /** Who may ping the environments; empty: ICMP is dropped. */
  icmp: string[];
}

/** The roles whose sources reach the agent or SSH port: an any-address source is refused there. */
const NARROW: ReadonlyArray<keyof FirewallSources> = ['portal', 'portainer'];

function family(entry: string, field: string): 4 | 6 {
  const [addr, prefix, extra] = entry.split('/');
  let v: 4 | 6 | undefined;
  if (isIPv4(addr)) v = 4;
  else if (isIPv6(addr)) v = 6;
  const max = v === 4 ? 32 : 128;
  if (
    v === undefined ||
    extra !== undefined ||
    (prefix !== undefined &&
      (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max))
  )
    throw new ConfigError(
      `${field}: "${entry}" is not an IP address or CIDR (a.b.c.d, a.b.c.d/n, or IPv6)`,
    );
  return v;
}

function isAnyAddress(entry: string): boolean {
  const [addr, prefix] = entry.split('/');
  return (
    prefix === '0' ||
    (prefix === undefined && (addr === '0.0.0.0' || addr === '::'))
  );
}

function readList(
  fw: Config | undefined,
  key: keyof FirewallSources,
): string[] {
  const field = `${SOURCES}.${key}`;
  const raw = fw?.getOptional(`sources.${key}`);
  if (raw === undefined) return [];
  // a list, or a comma-separated string (what one environment variable can carry)
  let items: string[] | undefined;
  if (typeof raw === 'string') items = raw.split(',');
  else if (Array.isArray(raw) && raw.every(i => typeof i === 'string'))
    items = raw as string[];
  if (!items)
    throw new ConfigError(
      `${field}: must be a list of addresses or a comma-separated string`,
    );
  const list = items.map(i => i.trim()).filter(i => i !== '');
  list.forEach((entry, i) => {
    family(entry, `${field}[${i}]`);
    if (NARROW.includes(key) && isAnyAddress(entry))
      throw new ConfigError(
        `${field}[${i}]: "${entry}" is any address; the agent and SSH ports only take the hosts that need them`,
      );
  });
  return [...new Set(list)];
}

/**
 * Reads and validates `dockerEnv.provisioning.firewall.sources` (each a list or comma-separated string of IPv4/IPv6
 * addresses or CIDRs). Any-address sources (`0.0.0.0/0`, `::/0`) are refused for `portal` and `portainer`, whose
 * addresses reach the agent and SSH ports.
 *
 * @public
 */
export function readFirewallSources(fw: Config | undefined): FirewallSources {
  return {
    portal: readList(fw, 'portal'),
    portainer: readList(fw, 'portainer'),
    traefik: readList(fw, 'traefik'),
    icmp: readList(fw, 'icmp'),
  };
}

/** The published ports: 80-65535 without the agent and SSH ports (only their own rules open them). */
export function publishedPorts(excluded: number[]): string {
  const parts: string[] = [];
  let from = 80;
  for (const port of [...new Set(excluded)].sort((a, b) => a - b)) {
    if (port < from) continue;
    if (port > from)
      parts.push(port - 1 === from ? `${from}` : `${from}:${port - 1}`);
    from = port + 1;
  }
  if (from <= 65535) parts.push(from === 65535 ? '65535' : `${from}:65535`);
  return parts.join(',');
}

/**
 * One rule per address family (PVE refuses IPv4 and IPv6 in one source list); none when there are no sources.
 * Our rules are known by their comment, which ends in `(ipv6)` for the IPv6 one.
 */
function bySource(
  sources: string[],
  rule: Omit<LxcFirewallRule, 'source' | 'comment'> & { comment: string },
): LxcFirewallRule[] {
  const v4 = sources.filter(s => family(s, SOURCES) === 4);
  const v6 = sources.filter(s => family(s, SOURCES) === 6);
  return [
    ...(v4.length ? [{ ...rule, source: v4.join(',') }] : []),
    ...(v6.length
      ? [
          {
            ...rule,
            ...(rule.proto === 'icmp' ? { proto: 'icmpv6' as const } : {}),
            source: v6.join(','),
            comment: `${rule.comment} (ipv6)`,
          },
        ]
      : []),
  ];
}

/**
 * Each environment's inbound ACCEPT rules; with `policy_in DROP` everything else is dropped: the agent port from
 * Portainer and the portal, the published ports from Traefik and the portal (deploy health checks call them
 * directly), SSH from the portal only where SSH is used, ICMP from its configured sources.
 *
 * @public
 */
export function buildFirewallRules(options: {
  sources: FirewallSources;
  agentPort: number;
  /** The SSH port when the portal uses SSH (OS-template path, `docker.kind: ssh`); otherwise no SSH rule. */
  sshPort?: number;
}): LxcFirewallRule[] {
  const { sources, agentPort, sshPort } = options;
  const union = (...lists: string[][]) => [...new Set(lists.flat())];
  const tcp = { type: 'in', action: 'ACCEPT', proto: 'tcp' } as const;
  return [
    ...bySource(union(sources.portainer, sources.portal), {
      ...tcp,
      dport: String(agentPort),
      comment: 'docker-env portainer agent',
    }),
    ...(sshPort === undefined
      ? []
      : bySource(sources.portal, {
          ...tcp,
          dport: String(sshPort),
          comment: 'docker-env ssh',
        })),
    ...bySource(union(sources.traefik, sources.portal), {
      ...tcp,
      dport: publishedPorts(
        sshPort === undefined ? [agentPort] : [agentPort, sshPort],
      ),
      comment: 'docker-env published ports',
    }),
    ...bySource(sources.icmp, {
      type: 'in',
      action: 'ACCEPT',
      proto: 'icmp',
      comment: 'docker-env icmp',
    }),
  ];
}
