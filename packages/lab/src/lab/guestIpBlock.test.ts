import net from 'node:net';
import { claimGuestIpBlock, type GuestIpBlockClaim } from './guestIpBlock';

describe('claimGuestIpBlock', () => {
  it('never hands out a block another lab holds', async () => {
    const claims: GuestIpBlockClaim[] = [];
    try {
      // 100 of 240 blocks at random would repeat one almost surely without the sentinel
      for (let i = 0; i < 100; i++) claims.push(await claimGuestIpBlock(500));
      const blocks = claims.map(c => c.block);
      expect(new Set(blocks).size).toBe(blocks.length);
      expect(blocks.every(b => b >= 11 && b <= 250)).toBe(true);
    } finally {
      for (const c of claims) await c.release();
    }
  });

  it('gives a block back on release', async () => {
    const claim = await claimGuestIpBlock();
    await claim.release();
    // the sentinel's address and port are free again: another lab may take the block
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(
        { host: `127.${claim.block}.255.254`, port: 47_999, exclusive: true },
        resolve,
      );
    });
    expect(server.listening).toBe(true);
    await new Promise(r => server.close(r));
  });
});
