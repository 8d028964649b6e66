import dns from 'node:dns';
import net from 'node:net';

/**
 * Addresses a webhook may not reach unless private networks are explicitly allowed: loopback,
 * RFC 1918 and other private/shared ranges, link-local (cloud metadata at 169.254.169.254),
 * multicast, reserved and unspecified, for IPv4 and IPv6.
 */
const blocked = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(prefix, bits, 'ipv6');

/** True when `address` (an IP literal) is loopback, private, link-local or otherwise not public. */
export function isNonPublicAddress(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '');
  const family = net.isIP(a);
  if (family === 4) return blocked.check(a, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) return blocked.check(mapped[1], 'ipv4');
  return blocked.check(a, 'ipv6');
}

/** The error of a refused target; `code` is `EPRIVATEADDRESS`. */
export function privateAddressError(host: string, address: string): Error {
  return Object.assign(
    new Error(
      `${host} resolves to the non-public address ${address}; set dockerEnv.webhooks.allowPrivateNetworks to allow it`,
    ),
    { code: 'EPRIVATEADDRESS' },
  );
}

/** The resolver a lookup uses: `dns.lookup` with `all: true`. */
export type Resolve = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (
    err: NodeJS.ErrnoException | null,
    addresses: dns.LookupAddress[],
  ) => void,
) => void;

/**
 * A `lookup` for http(s).request that resolves the name and refuses it when ANY answer is a
 * non-public address. The check runs on the addresses the socket then connects to, so a name
 * that changes its answer between a check and the connect (DNS rebinding) gains nothing.
 * `resolve` is injectable for tests; `allowPrivate` passes every answer through.
 */
export function guardedLookup(
  allowPrivate: boolean,
  resolve: Resolve = dns.lookup,
): net.LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) {
        callback(err, '', 0);
        return;
      }
      const bad = addresses.find(a => isNonPublicAddress(a.address));
      if (!allowPrivate && (bad || addresses.length === 0)) {
        callback(
          privateAddressError(hostname, bad?.address ?? 'none') as any,
          '',
          0,
        );
        return;
      }
      if ((options as dns.LookupOptions).all)
        (callback as any)(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
