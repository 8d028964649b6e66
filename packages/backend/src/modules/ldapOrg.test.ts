/*
 * Backstage's LDAP org module, with the catalog.providers.ldapOrg config of app-config.production.yaml,
 * against the real slapd of the test services (scripts/services/slapd.sh; base.ldif seeds the data).
 */
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import {
  LdapClient,
  readLdapOrg,
  readProviderConfigs,
} from '@backstage/plugin-catalog-backend-module-ldap';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const url = process.env.DOCKER_ENV_TEST_LDAP_URL;
const baseDn =
  process.env.DOCKER_ENV_TEST_LDAP_BASE_DN ?? 'dc=docker-env,dc=test';

if (!url && process.env.CI === 'true') {
  throw new Error(
    'DOCKER_ENV_TEST_LDAP_URL is unset under CI: start scripts/services/slapd.sh',
  );
}

/** app-config.production.yaml with ${VAR} replaced from `env` */
function productionConfig(env: Record<string, string>) {
  const file = path.resolve(
    __dirname,
    '../../../../app-config.production.yaml',
  );
  const text = fs
    .readFileSync(file, 'utf8')
    .replace(/\$\{(\w+)\}/g, (_, name: string) => env[name] ?? `unset-${name}`);
  return new ConfigReader(parse(text));
}

/**
 * Closes the connection LdapClient opened. LdapClient has no close (nor does the LDAP org provider unbind after
 * a read), so its ldapts client, a private field, is unbound directly; else the socket keeps the jest worker alive.
 */
async function unbind(client: LdapClient) {
  await (
    client as unknown as { client: { unbind(): Promise<void> } }
  ).client.unbind();
}

(url ? describe : describe.skip)('LDAP org module against slapd', () => {
  it('reads users and groups with memberships as catalog entities', async () => {
    const config = productionConfig({
      LDAP_URL: url!,
      LDAP_BIND_DN: process.env.DOCKER_ENV_TEST_LDAP_BIND_DN!,
      LDAP_BIND_PASSWORD: process.env.DOCKER_ENV_TEST_LDAP_BIND_PASSWORD!,
      LDAP_USER_BASE: `ou=people,${baseDn}`,
      LDAP_GROUP_BASE: `ou=groups,${baseDn}`,
    });
    const [provider] = readProviderConfigs(config);
    expect(provider.id).toBe('directory');
    expect(provider.groups.map(g => g.map.members)).toEqual([
      'member',
      'uniqueMember',
      'memberUid',
    ]);
    const logger = mockServices.logger.mock();
    const client = await LdapClient.create(
      logger,
      provider.target,
      provider.bind,
      provider.tls,
    );
    let read;
    try {
      read = await readLdapOrg(
        client,
        provider.users,
        provider.groups,
        provider.vendor,
        { logger },
      );
    } finally {
      await unbind(client);
    }
    const { users, groups } = read;

    const alice = users.find(u => u.metadata.name === 'alice');
    expect(alice?.kind).toBe('User');
    expect(alice?.spec.profile?.email).toBe('alice@docker-env.test');
    expect(alice?.spec.memberOf).toEqual(
      expect.arrayContaining([
        'group:default/team-a',
        'group:default/ops (night)*',
      ]),
    );
    // the generated 1200-member group needs paging past the reader's size limit
    expect(users.length).toBeGreaterThan(1200);

    const teamA = groups.find(g => g.metadata.name === 'team-a');
    expect(teamA?.kind).toBe('Group');
    const membersOf = (group: string) =>
      users
        .filter(u => u.spec.memberOf?.includes(`group:default/${group}`))
        .map(u => u.metadata.name);
    expect(membersOf('team-a').sort()).toEqual(['alice', 'bob']);
    // groupOfUniqueNames (uniqueMember DNs) and posixGroup (memberUid uids)
    expect(membersOf('team-b').sort()).toEqual(['bob', 'carol']);
    expect(membersOf('team-c').sort()).toEqual(['carol', 'dave']);
    const names = groups.map(g => g.metadata.name);
    expect(names).toEqual(expect.arrayContaining(['team-b', 'team-c']));
    expect(new Set(names).size).toBe(names.length);
    expect(membersOf('platform')).toContain('dave');
    const platform = groups.find(g => g.metadata.name === 'platform');
    expect(platform?.spec.children).toEqual(
      expect.arrayContaining(['group:default/team-a']),
    );
    expect(membersOf('big-team')).toHaveLength(1200);
  }, 60_000);
});
