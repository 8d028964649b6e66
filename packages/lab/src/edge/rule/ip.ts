/**
 * Traefik's IP checker (`pkg/ip/checker.go`) as the `ClientIP` matcher uses it, with Go's `net`
 * semantics: an address or a CIDR, IPv4 addresses equal to their IPv4-mapped IPv6 form.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { RuleSyntaxError } from './scanner';

type Bytes = number[];

function parseV4(s: string): Bytes | undefined {
  if (!isIPv4(s)) return undefined;
  return s.split('.').map(Number);
}

/** Go's `netip.ParseAddr` as 16 bytes (IPv4 as IPv4-mapped); zones allowed when `zone`. */
export function parseAddr(s: string, zone = false): Bytes | undefined {
  const v4 = parseV4(s);
  if (v4) return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4];
  let addr = s;
  const percent = s.indexOf('%');
  if (percent >= 0) {
    if (!zone || percent === s.length - 1) return undefined;
    addr = s.slice(0, percent);
  }
  if (!isIPv6(addr) || addr.includes('%')) return undefined;
  const [head, tail] = addr.includes('::')
    ? addr.split('::')
    : [addr, undefined];
  const groups = (part: string) => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      const four = parseV4(g);
      if (four) out.push((four[0] << 8) | four[1], (four[2] << 8) | four[3]);
      else out.push(parseInt(g, 16));
    }
    return out;
  };
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const words = [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  return words.flatMap(w => [w >> 8, w & 0xff]);
}

/** Go's `IP.To4`: the IPv4 bytes of an IPv4-mapped address. */
function to4(ip: Bytes): Bytes | undefined {
  if (ip.length === 4) return ip;
  return ip.slice(0, 10).every(b => b === 0) &&
    ip[10] === 0xff &&
    ip[11] === 0xff
    ? ip.slice(12)
    : undefined;
}

interface Net {
  ip: Bytes;
  mask: Bytes;
}

/** Go's `net.ParseCIDR` (the network, masked). */
function parseCidr(s: string): Net | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const bitsText = s.slice(slash + 1);
  const ip = parseAddr(addr);
  if (!ip || !/^\d+$/.test(bitsText)) return undefined;
  const is4 = parseV4(addr) !== undefined;
  const len = is4 ? 4 : 16;
  const bits = Number(bitsText);
  if (bits > 8 * len) return undefined;
  let mask = Array.from({ length: len }, (_, i) =>
    Math.max(0, Math.min(8, bits - 8 * i)),
  ).map(n => (0xff << (8 - n)) & 0xff);
  let net = ip;
  // IP.Mask: a 4-byte mask applies to the IPv4 part
  if (mask.length === 4) net = ip.slice(12);
  net = net.map((b, i) => b & mask[i]);
  // networkNumberAndMask: an IPv4-mapped network compares as IPv4
  const v4 = to4(net);
  if (v4 && net.length === 16) {
    net = v4;
    mask = mask.slice(12);
  }
  return { ip: net, mask };
}

/** Traefik's `ip.Checker`: does an address belong to the listed addresses and CIDRs. */
export interface IpChecker {
  contains(addr: string): boolean;
}

/** `ip.NewChecker`: refuses a value that is neither an address nor a CIDR, as Traefik does. */
export function ipChecker(values: string[]): IpChecker {
  const ips: Bytes[] = [];
  const nets: Net[] = [];
  for (const v of values) {
    const ip = parseAddr(v);
    if (ip) {
      ips.push(ip);
      continue;
    }
    const net = parseCidr(v);
    if (!net)
      throw new RuleSyntaxError(
        `initializing IP checker for ClientIP matcher: parsing CIDR trusted IPs <nil>: invalid CIDR address: ${v}`,
      );
    nets.push(net);
  }
  return {
    contains(addr: string) {
      const ip = parseAddr(addr, true);
      if (!ip) return false;
      if (ips.some(a => a.every((b, i) => b === ip[i]))) return true;
      const v4 = to4(ip);
      const candidate = v4 ?? ip;
      return nets.some(
        n =>
          n.ip.length === candidate.length &&
          n.ip.every((b, i) => b === (candidate[i] & n.mask[i])),
      );
    },
  };
}
