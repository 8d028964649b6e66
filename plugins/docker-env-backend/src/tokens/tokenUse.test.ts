import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseDockerEnvStore } from '../store';
import { DeployTokens, type TokenUse } from './DeployTokens';
import { DatabaseDeployTokenStore } from './DeployTokenStore';
import { RefusedAttempts } from './RefusedAttempts';
import { TokenHasher } from './TokenHasher';

jest.setTimeout(120_000);

const SECRET = 'the-token-hmac-secret-of-this-test-000';
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

// How a presented token is checked (issue 21): HMAC for every request, scrypt only on a known legacy token's first
// successful use, the creator re-checked, refusals per address limited.
describe('deployment token use', () => {
  async function setUp(
    options: {
      creatorAccess?: (creator: string) => Promise<boolean>;
      limit?: number;
    } = {},
  ) {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseDockerEnvStore.create({
      database: { getClient: async () => knex },
    });
    const shop = await store.insertEnvironment({
      name: `shop${Math.random().toString(36).slice(2, 8)}`,
      owner: 'user:default/alice',
      status: 'ready',
      size: 'S',
      cpuCores: 1,
      memoryMb: 2048,
      diskGb: 16,
      purpose: '',
      expiresOn: null,
      createdBy: 'user:default/alice',
    });
    const uses: TokenUse[] = [];
    const hasher = new TokenHasher(SECRET);
    const make = (h = hasher) =>
      new DeployTokens(
        new DatabaseDeployTokenStore(knex),
        h,
        async use => void uses.push(use),
        {
          refusedAttempts: new RefusedAttempts(options.limit ?? 1000),
          creatorAccess: options.creatorAccess
            ? creator => options.creatorAccess!(creator)
            : undefined,
        },
      );
    const create = (tokens: DeployTokens, expiresAt: Date | null = null) =>
      tokens.create({
        environmentId: shop.id,
        description: '',
        expiresAt,
        createdBy: 'user:default/alice',
      });
    return { knex, shop, uses, hasher, tokens: make(), make, create };
  }

  const junkFor = (token: string) =>
    `${token.slice(0, 'dep_'.length + 33)}${'A'.repeat(43)}`;

  it('a scrypt-hashed token (issued before the secret) reaches scrypt only on its first successful use, then is an HMAC', async () => {
    const { knex, shop, hasher, tokens, make, create, uses } = await setUp();
    const legacy = await create(make(new TokenHasher()));
    const revokedLegacy = await create(make(new TokenHasher()));
    await tokens.revoke(shop.id, revokedLegacy.id, 'user:default/alice');
    const scrypt = jest.spyOn(hasher, 'scryptMatches');

    // refused attempts never reach scrypt, and do not name the token
    await expect(tokens.verify(revokedLegacy.token, shop.id)).rejects.toThrow(
      'X-Deploy-Token: unknown token',
    );
    await expect(tokens.verify(legacy.token, 'another-env')).rejects.toThrow(
      'X-Deploy-Token: unknown token',
    );
    await expect(
      tokens.verify(junkFor(`dep_${'0'.repeat(32)}_`), shop.id),
    ).rejects.toThrow('unknown token');
    expect(scrypt).not.toHaveBeenCalled();
    expect(uses.map(u => u.tokenId)).toEqual([null, null, null]);

    // the first successful use: scrypt once, then the row holds the HMAC
    await expect(tokens.verify(legacy.token, shop.id)).resolves.toMatchObject({
      id: legacy.id,
    });
    expect(scrypt).toHaveBeenCalledTimes(1);
    const [row] = await knex('deploy_tokens').where({ id: legacy.id });
    expect(row.hash).toBe(hasher.currentHash(legacy.token));
    await tokens.verify(legacy.token, shop.id);
    await expect(tokens.verify(junkFor(legacy.token), shop.id)).rejects.toThrow(
      'unknown token',
    );
    expect(scrypt).toHaveBeenCalledTimes(1);
  });

  it('refuses a token whose creator no longer has access (403), asked at each use', async () => {
    let allowed = true;
    const asked: string[] = [];
    const { shop, tokens, create } = await setUp({
      creatorAccess: async creator => {
        asked.push(creator);
        return allowed;
      },
    });
    const { token } = await create(tokens);
    await tokens.verify(token, shop.id);
    allowed = false;
    await expect(tokens.verify(token, shop.id)).rejects.toThrow(
      "X-Deploy-Token: the token's creator no longer has access",
    );
    expect(asked).toEqual(['user:default/alice', 'user:default/alice']);
  });

  it('past the limit of refused attempts per address: 429, one aggregated audit row, a valid token still served', async () => {
    const { shop, tokens, create, uses } = await setUp({ limit: 3 });
    const { token } = await create(tokens);
    const junk = junkFor(token);
    const at = (seconds: number) => ({
      address: '203.0.113.7',
      now: new Date(Date.UTC(2027, 0, 1, 12, 0, seconds)),
    });
    for (let i = 0; i < 3; i++)
      await expect(tokens.verify(junk, shop.id, at(i))).rejects.toMatchObject({
        name: 'AuthenticationError',
      });
    for (let i = 3; i < 50; i++)
      await expect(tokens.verify(junk, shop.id, at(i))).rejects.toMatchObject({
        statusCode: 429,
        retryAfterSeconds: 60 - i,
      });
    // another address is counted on its own; a valid token is served from the limited one
    await expect(
      tokens.verify(junk, shop.id, { ...at(50), address: '198.51.100.1' }),
    ).rejects.toMatchObject({ name: 'AuthenticationError' });
    await expect(tokens.verify(token, shop.id, at(51))).resolves.toBeDefined();
    const refused = uses.filter(u => u.result === 'refused');
    expect(refused).toHaveLength(3 + 1 + 1);
    expect(refused[3].reason).toMatch(
      /more than 3 refused attempts from this address within a minute.*not recorded one by one \(address 203\.0\.113\.7\)/,
    );
    // the next minute starts over
    await expect(tokens.verify(junk, shop.id, at(60))).rejects.toMatchObject({
      name: 'AuthenticationError',
    });
  });

  it('refusals with a known token id and with an unknown one take the same time (within noise)', async () => {
    const { shop, tokens, create } = await setUp();
    const known = junkFor((await create(tokens)).token);
    const unknown = junkFor(`dep_${'f'.repeat(32)}_`);
    const time = async (token: string) => {
      const start = process.hrtime.bigint();
      await tokens.verify(token, shop.id).catch(() => {});
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    for (let i = 0; i < 20; i++) await time(i % 2 ? known : unknown); // warm-up
    const samples: Record<'known' | 'unknown', number[]> = {
      known: [],
      unknown: [],
    };
    for (let i = 0; i < 300; i++) {
      samples.known.push(await time(known));
      samples.unknown.push(await time(unknown));
    }
    const median = (xs: number[]) =>
      [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const k = median(samples.known);
    const u = median(samples.unknown);
    // scrypt on the known id alone (the former behaviour) made it about 10 times slower
    expect(Math.abs(k - u)).toBeLessThan(Math.max(0.25 * Math.min(k, u), 0.3));
  });
});
