import net from 'node:net';

/** The port of the sentinel a lab listens on at `127.<block>.255.254` (an address no guest takes) while it runs. */
const SENTINEL_PORT = 47_999;

/** A block of guest loopback addresses this lab holds until `release`. */
export interface GuestIpBlockClaim {
  block: number;
  release(): Promise<void>;
}

/**
 * Picks a random second octet for the guests' loopback addresses (127.<block>.x.y) that no other lab on this machine
 * holds: labs of parallel test workers each listen on their block's sentinel address, so two never share a block
 * (their guests, both vmid 100, would fight over one address and the second guest's start would fail).
 */
export async function claimGuestIpBlock(
  tries = 40,
): Promise<GuestIpBlockClaim> {
  for (let i = 0; i < tries; i++) {
    const claim = await holdGuestIpBlock(11 + Math.floor(Math.random() * 240));
    if (claim) return claim;
  }
  throw new Error(
    `lab: no free guest address block after ${tries} tries (127.<block>.255.254:${SENTINEL_PORT} all taken)`,
  );
}

/** Holds `block`'s sentinel (a lab given its block says so to the others); undefined when another lab holds it. */
export async function holdGuestIpBlock(
  block: number,
): Promise<GuestIpBlockClaim | undefined> {
  const server = net.createServer();
  const listening = await new Promise<boolean>(resolve => {
    server.once('error', () => resolve(false));
    server.listen(
      { host: `127.${block}.255.254`, port: SENTINEL_PORT, exclusive: true },
      () => resolve(true),
    );
  });
  if (!listening) return undefined;
  server.unref();
  return {
    block,
    release: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
