import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import { DatabaseDockerEnvStore } from '../store';
import { DeployTokens, type TokenUse } from './DeployTokens';
import { DatabaseDeployTokenStore } from './DeployTokenStore';
import { TokenHasher } from './TokenHasher';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

const environment = (name: string) => ({
  name,
  owner: 'user:default/alice',
  status: 'ready' as const,
  size: 'S' as const,
  cpuCores: 1,
  memoryMb: 2048,
  diskGb: 16,
  purpose: '',
  expiresOn: null,
  createdBy: 'user:default/alice',
});

describe.each(databases.eachSupportedId())(
  'deployment tokens on %s',
  databaseId => {
    async function setUp(hasher: TokenHasher) {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDockerEnvStore.create({
        database: { getClient: async () => knex },
      });
      const shop = await store.insertEnvironment(environment('shop'));
      const other = await store.insertEnvironment(environment('other'));
      const uses: TokenUse[] = [];
      const tokens = new DeployTokens(
        new DatabaseDeployTokenStore(knex),
        hasher,
        async use => {
          uses.push(use);
        },
      );
      return { knex, shop, other, uses, tokens };
    }

    it.each([
      [
        'HMAC-SHA256 under the configured secret',
        new TokenHasher('s'.repeat(40)),
        /^hmac-sha256\$[0-9a-f]{64}$/,
      ],
      ['scrypt', new TokenHasher(), /^scrypt\$[0-9a-f]{32}\$[0-9a-f]{64}$/],
    ])(
      'stores only a %s hash and accepts the token for its environment',
      async (_kind, hasher, hashShape) => {
        const { knex, shop, uses, tokens } = await setUp(hasher);
        const created = await tokens.create({
          environmentId: shop.id,
          description: 'gitlab',
          expiresAt: null,
          createdBy: 'user:default/alice',
        });
        expect(created.token).toMatch(/^dep_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
        const rows = await knex('deploy_tokens').select();
        expect(rows).toHaveLength(1);
        expect(rows[0].hash).toMatch(hashShape);
        const secretPart = created.token.slice('dep_'.length + 33);
        for (const value of Object.values(rows[0]))
          expect(String(value)).not.toContain(secretPart);
        const listed = await tokens.list(shop.id);
        expect(listed).toEqual([
          expect.objectContaining({ id: created.id, lastUsedAt: null }),
        ]);
        expect(JSON.stringify(listed)).not.toContain(secretPart);

        const used = await tokens.verify(created.token, shop.id);
        expect(used.id).toBe(created.id);
        expect((await tokens.list(shop.id))[0].lastUsedAt).not.toBeNull();
        expect(uses).toEqual([
          { tokenId: created.id, environmentId: shop.id, result: 'succeeded' },
        ]);
        expect(JSON.stringify(uses)).not.toContain(secretPart);
      },
    );

    it('refuses another environment (403), a revoked, expired or altered token (401), and audits each refusal', async () => {
      const { shop, other, uses, tokens } = await setUp(
        new TokenHasher('k'.repeat(32)),
      );
      const make = (expiresAt: Date | null = null) =>
        tokens.create({
          environmentId: shop.id,
          description: '',
          expiresAt,
          createdBy: 'user:default/alice',
        });
      const good = await make();
      await expect(tokens.verify(good.token, other.id)).rejects.toThrow(
        NotAllowedError,
      );

      const altered = `${good.token.slice(0, -1)}${
        good.token.endsWith('A') ? 'B' : 'A'
      }`;
      await expect(tokens.verify(altered, shop.id)).rejects.toThrow(
        AuthenticationError,
      );
      await expect(tokens.verify(undefined, shop.id)).rejects.toThrow(
        /missing/,
      );
      await expect(tokens.verify('glpat-xyz', shop.id)).rejects.toThrow(
        AuthenticationError,
      );

      const expired = await make(new Date(Date.now() - 1000));
      await expect(tokens.verify(expired.token, shop.id)).rejects.toThrow(
        /expired/,
      );

      expect(await tokens.revoke(shop.id, good.id, 'user:default/alice')).toBe(
        true,
      );
      expect(await tokens.revoke(shop.id, good.id, 'user:default/alice')).toBe(
        false,
      );
      expect(
        await tokens.revoke(other.id, expired.id, 'user:default/alice'),
      ).toBe(false);
      await expect(tokens.verify(good.token, shop.id)).rejects.toThrow(
        /revoked/,
      );
      expect(
        (await tokens.list(shop.id)).find(t => t.id === good.id)?.revokedAt,
      ).not.toBeNull();

      expect(uses.map(u => u.result)).toEqual(Array(6).fill('refused'));
      expect(uses[0]).toMatchObject({
        tokenId: good.id,
        environmentId: other.id,
      });
      for (const t of [good, expired])
        expect(JSON.stringify(uses)).not.toContain(
          t.token.slice('dep_'.length + 33),
        );
    });
  },
);

describe('DeployTokens.parseRequest', () => {
  const now = new Date('2026-12-02T10:00:00Z');
  it('takes a description and an expiry date valid through that day', () => {
    expect(
      DeployTokens.parseRequest(
        { description: 'ci', expiresOn: '2026-12-02' },
        now,
      ),
    ).toEqual({
      description: 'ci',
      expiresAt: new Date('2026-12-03T00:00:00Z'),
    });
    // every token expires: 90 days by default, null too
    for (const body of [{}, { expiresOn: null }])
      expect(DeployTokens.parseRequest(body, now)).toEqual({
        description: '',
        expiresAt: new Date('2027-03-03T00:00:00Z'),
      });
    expect(
      DeployTokens.parseRequest({}, now, { defaultDays: 7, maxDays: 30 }),
    ).toEqual({ description: '', expiresAt: new Date('2026-12-10T00:00:00Z') });
  });
  it('names the field that is wrong', () => {
    expect(() =>
      DeployTokens.parseRequest({ expiresOn: '2026-12-01' }, now),
    ).toThrow(/^expiresOn: must be today or later/);
    expect(() => DeployTokens.parseRequest({ expiresOn: 'soon' }, now)).toThrow(
      /^expiresOn: /,
    );
    expect(() =>
      DeployTokens.parseRequest({ description: 'x'.repeat(300) }, now),
    ).toThrow(/^description: /);
    expect(() => DeployTokens.parseRequest([], now)).toThrow(/^body: /);
    expect(() =>
      DeployTokens.parseRequest({ expiresOn: '2027-02-31' }, now),
    ).toThrow(/^expiresOn: must be a date YYYY-MM-DD/);
    // the configured maximum: 2027-12-02 is 365 days away, the day after is not
    expect(
      DeployTokens.parseRequest({ expiresOn: '2027-12-02' }, now).expiresAt,
    ).toEqual(new Date('2027-12-03T00:00:00Z'));
    expect(() =>
      DeployTokens.parseRequest({ expiresOn: '2027-12-03' }, now),
    ).toThrow(/^expiresOn: must be at most 365 days from today/);
  });
});
