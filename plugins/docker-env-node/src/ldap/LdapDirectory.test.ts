import { ConfigReader } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import { Client, SizeLimitExceededError } from 'ldapts';
import net from 'node:net';
import { UpstreamApiError } from '../errors';
import { LdapDirectory } from './LdapDirectory';
import { LdapSessionRunner, ldaptsSessionRunner } from './session';
import { slapdEnv } from './testing/slapdEnv';
import { LdapDirectoryOptions, LdapGroupMembership } from './types';

// Real OpenLDAP: scripts/services/slapd.sh start (data: scripts/services/ldap/base.ldif + big-team).
const env = slapdEnv();
const people = `ou=people,${env.baseDn}`;
const groups = `ou=groups,${env.baseDn}`;

function ldapOptions(
  groupMembership: LdapGroupMembership,
  extra: Partial<LdapDirectoryOptions> = {},
): LdapDirectoryOptions {
  return {
    url: env.url,
    bindDn: env.bindDn,
    bindPassword: env.bindPassword,
    userBase: people,
    groupBase: groups,
    groupMembership,
    timeoutMs: 5000,
    // the test OpenLDAP listens on plain ldap:// on loopback
    allowInsecure: true,
    ...extra,
  };
}

function directory(
  groupMembership: LdapGroupMembership,
  extra: Partial<LdapDirectoryOptions> = {},
): LdapDirectory {
  return new LdapDirectory(ldapOptions(groupMembership, extra));
}

const uids = (users: { uid: string }[]) => users.map(u => u.uid);

describe('LdapDirectory against OpenLDAP', () => {
  const dir = directory('member');

  describe('findUser', () => {
    it('finds a user by uid with normalised attributes', async () => {
      await expect(dir.findUser('alice')).resolves.toEqual({
        dn: `uid=alice,${people}`,
        uid: 'alice',
        displayName: 'Alice Anders',
        email: 'alice@docker-env.test',
      });
    });

    it('finds a user by e-mail', async () => {
      await expect(dir.findUser('dave@docker-env.test')).resolves.toMatchObject(
        { uid: 'dave' },
      );
    });

    it('reduces multi-valued cn and mail to single strings', async () => {
      const carol = await dir.findUser('carol');
      expect(carol).toEqual({
        dn: `uid=carol,${people}`,
        uid: 'carol',
        displayName: 'Carol Clark',
        email: 'carol@docker-env.test',
      });
      // the second address also identifies her
      await expect(
        dir.findUser('c.clark@docker-env.test'),
      ).resolves.toMatchObject({ uid: 'carol' });
    });

    it('handles special characters in DN, cn and mail', async () => {
      const user = await dir.findUser("o'brien@docker-env.test");
      expect(user?.uid).toBe('obrien');
      expect(user?.displayName).toBe("O'Brien, (test)*");
      // the server may re-escape the comma as \2C: both spell the same DN
      expect(user?.dn).toMatch(/^cn=O'Brien\\(,|2C) \(test\)\*,ou=people,/i);
    });

    it('returns undefined for an unknown user', async () => {
      await expect(dir.findUser('nobody')).resolves.toBeUndefined();
    });

    it.each([
      '*)(uid=*',
      '*',
      'alice)(uid=*',
      '*)(|(objectClass=*',
      'al*',
      '\\2a',
    ])('treats filter metacharacters as literals: %s', async value => {
      await expect(dir.findUser(value)).resolves.toBeUndefined();
    });

    it('refuses empty and control-character input before any request', async () => {
      await expect(dir.findUser('')).rejects.toThrow(InputError);
      await expect(dir.findUser('alice\u0000')).rejects.toThrow(
        'uidOrEmail: must not contain control characters',
      );
    });
  });

  describe('groupOfNames (member)', () => {
    it('lists groups of a user by DN membership', async () => {
      await expect(dir.groupsOfUser('alice')).resolves.toEqual([
        'ops (night)*',
        'team-a',
      ]);
      await expect(dir.groupsOfUser('bob')).resolves.toEqual(['team-a']);
      await expect(dir.groupsOfUser('carol')).resolves.toEqual([]);
    });

    it('lists the members of a group', async () => {
      expect(uids(await dir.groupMembers('team-a'))).toEqual(['alice', 'bob']);
    });

    it('handles a group name with filter metacharacters and a member DN with an escaped comma', async () => {
      expect(uids(await dir.groupMembers('ops (night)*'))).toEqual([
        'alice',
        'obrien',
      ]);
      await expect(dir.groupsOfUser('obrien')).resolves.toEqual([
        'ops (night)*',
      ]);
    });

    it('skips nested groups and dangling member DNs', async () => {
      expect(uids(await dir.groupMembers('platform'))).toEqual(['dave']);
    });

    it('does not widen a group lookup with wildcards', async () => {
      await expect(dir.groupMembers('*')).rejects.toThrow(NotFoundError);
      await expect(dir.groupMembers('team-*')).rejects.toThrow(NotFoundError);
      await expect(dir.groupMembers('*)(cn=*')).rejects.toThrow(NotFoundError);
    });

    it('reports an unknown user for groupsOfUser', async () => {
      await expect(dir.groupsOfUser('nobody')).rejects.toThrow(NotFoundError);
    });
  });

  describe('groupOfUniqueNames (uniqueMember)', () => {
    const unique = directory('uniqueMember');
    it('lists groups and members', async () => {
      await expect(unique.groupsOfUser('bob')).resolves.toEqual(['team-b']);
      await expect(unique.groupsOfUser('alice')).resolves.toEqual([]);
      expect(uids(await unique.groupMembers('team-b'))).toEqual([
        'bob',
        'carol',
      ]);
    });
    it('does not find groups of another style', async () => {
      await expect(unique.groupMembers('team-a')).rejects.toThrow(
        NotFoundError,
      );
    });
  });

  describe('posixGroup (memberUid)', () => {
    const posix = directory('memberUid');
    it('lists groups and members by uid', async () => {
      await expect(posix.groupsOfUser('carol')).resolves.toEqual(['team-c']);
      await expect(posix.groupsOfUser('dave')).resolves.toEqual(['team-c']);
      await expect(posix.groupsOfUser('alice')).resolves.toEqual([]);
      expect(uids(await posix.groupMembers('team-c'))).toEqual([
        'carol',
        'dave',
      ]);
    });
  });

  describe('the 1200-member group', () => {
    it('is larger than the server size limit for unpaged searches (fixture check)', async () => {
      const client = new Client({ url: env.url, timeout: 5000 });
      try {
        await client.bind(env.bindDn, env.bindPassword);
        await expect(
          client.search(people, {
            scope: 'sub',
            filter: `(memberOf=cn=big-team,${groups})`,
          }),
        ).rejects.toBeInstanceOf(SizeLimitExceededError);
      } finally {
        await client.unbind();
      }
    });

    it('returns all members through paged memberOf searches', async () => {
      const members = await directory('member', {
        memberOfAttribute: 'memberOf',
      }).groupMembers('big-team');
      expect(members).toHaveLength(1200);
      expect(members[0]).toEqual({
        dn: `uid=bulk0001,${people}`,
        uid: 'bulk0001',
        displayName: 'Bulk User 0001',
        email: 'bulk0001@docker-env.test',
      });
      expect(members[1199].uid).toBe('bulk1200');
      expect(new Set(uids(members)).size).toBe(1200);
    });

    it('fetches them in pages of 1000', async () => {
      const pages: number[] = [];
      const real = ldaptsSessionRunner({ ...env, timeoutMs: 5000 });
      const counting: LdapSessionRunner = fn =>
        real(session =>
          fn({
            search: (base, options) => session.search(base, options),
            async *searchPaged(base, options, pageSize) {
              for await (const page of session.searchPaged(
                base,
                options,
                pageSize,
              )) {
                pages.push(page.length);
                yield page;
              }
            },
          }),
        );
      const opts = { ...ldapOptions('member'), memberOfAttribute: 'memberOf' };
      const members = await new LdapDirectory(opts, counting).groupMembers(
        'big-team',
      );
      expect(members).toHaveLength(1200);
      expect(pages).toEqual([1000, 200]);
    });

    it('returns all members by resolving member DNs', async () => {
      const members = await dir.groupMembers('big-team');
      expect(members).toHaveLength(1200);
      expect(members[1199].uid).toBe('bulk1200');
    });

    it('fails a paged search whose pages exceed the server limit', async () => {
      // size.pr=1000 on the server: a larger page size is refused (adminLimitExceeded)
      const tooBig = directory('member', {
        memberOfAttribute: 'memberOf',
        pageSize: 1500,
      });
      await expect(tooBig.groupMembers('big-team')).rejects.toMatchObject({
        name: 'UpstreamApiError',
        reason: 'adminLimitExceeded (11)',
      });
    });
  });

  describe('failures', () => {
    it('maps a bad bind password to UpstreamApiError without leaking it', async () => {
      const bad = directory('member', { bindPassword: 'wrong-password-123' });
      const error = await bad.findUser('alice').catch(e => e);
      expect(error).toBeInstanceOf(UpstreamApiError);
      expect(error).toMatchObject({
        system: 'ldap',
        operation: 'findUser',
        reason: 'invalidCredentials (49)',
      });
      expect(error.message).not.toContain('wrong-password-123');
    });

    it('fails fast on a closed port', async () => {
      const closed = await freePort();
      const dead = directory('member', {
        url: `ldap://127.0.0.1:${closed}`,
        timeoutMs: 1000,
      });
      const error = await dead.findUser('alice').catch(e => e);
      expect(error).toBeInstanceOf(UpstreamApiError);
      expect(error.reason).toBe('connection refused');
    });

    it('times out against a server that accepts but never answers', async () => {
      const sockets: net.Socket[] = [];
      const silent = net.createServer(s => sockets.push(s));
      await new Promise<void>(r => silent.listen(0, '127.0.0.1', r));
      const port = (silent.address() as net.AddressInfo).port;
      try {
        const hung = directory('member', {
          url: `ldap://127.0.0.1:${port}`,
          timeoutMs: 300,
        });
        const started = Date.now();
        const error = await hung.findUser('alice').catch(e => e);
        expect(Date.now() - started).toBeLessThan(2000);
        expect(error).toBeInstanceOf(UpstreamApiError);
        expect(error).toMatchObject({ system: 'ldap', reason: 'timeout' });
      } finally {
        sockets.forEach(s => s.destroy());
        await new Promise(r => silent.close(r));
      }
    });
  });

  describe('fromConfig', () => {
    it('binds only over TLS unless allowInsecure', () => {
      const base = {
        bindDn: env.bindDn,
        bindPassword: 'x',
        userBase: people,
        groupBase: groups,
        groupMembership: 'member',
      };
      const build = (ldap: object) =>
        LdapDirectory.fromConfig(
          new ConfigReader({ dockerEnv: { ldap: { ...base, ...ldap } } }),
        );
      expect(() => build({ url: 'ldap://ldap.example.org' })).toThrow(
        /clear text/,
      );
      expect(
        build({ url: 'ldap://ldap.example.org', tls: { startTls: true } }),
      ).toBeInstanceOf(LdapDirectory);
      expect(build({ url: 'ldaps://ldap.example.org' })).toBeInstanceOf(
        LdapDirectory,
      );
      expect(() => build({ url: 'ldap://ldap.example.org' })).toThrow(
        expect.objectContaining({ name: 'ConfigError' }),
      );
    });

    it('reads dockerEnv.ldap', async () => {
      const fromConfig = LdapDirectory.fromConfig(
        new ConfigReader({
          dockerEnv: {
            ldap: {
              url: env.url,
              bindDn: env.bindDn,
              bindPassword: env.bindPassword,
              userBase: people,
              groupBase: groups,
              groupMembership: 'memberUid',
              timeoutMs: 3000,
              allowInsecure: true,
            },
          },
        }),
      );
      expect(uids(await fromConfig.groupMembers('team-c'))).toEqual([
        'carol',
        'dave',
      ]);
    });

    it.each([
      [{ groupMembership: 'nested' }, 'groupMembership: must be one of'],
      [{ url: 'http://127.0.0.1' }, 'url: must be an ldap:// or ldaps:// URL'],
      [
        { url: 'ldap://user:pw@127.0.0.1' },
        'url: must not contain credentials',
      ],
      [
        { userFilter: 'objectClass=person' },
        'userFilter: must be an LDAP filter in parentheses',
      ],
      [
        { userIdAttribute: 'uid)(x' },
        'userIdAttribute: must be an LDAP attribute name',
      ],
      [
        { url: 'ldap://127.0.0.1:389', allowInsecure: false },
        'dockerEnv.ldap.url: a simple bind over ldap:// sends the password in clear text',
      ],
      [
        { url: 'ldap://ldap.example.org', allowInsecure: true },
        'allowInsecure: only allowed for loopback hosts, not ldap.example.org',
      ],
    ])('refuses bad settings %j', (override, message) => {
      const ldap = {
        url: env.url,
        allowInsecure: true,
        bindDn: env.bindDn,
        bindPassword: 'x',
        userBase: people,
        groupBase: groups,
        groupMembership: 'member',
        ...override,
      };
      expect(() =>
        LdapDirectory.fromConfig(new ConfigReader({ dockerEnv: { ldap } })),
      ).toThrow(message);
    });
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise(r => server.close(r));
  return port;
}
