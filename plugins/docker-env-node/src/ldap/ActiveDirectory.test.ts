import { LdapDirectory } from './LdapDirectory';
import {
  groupsOfUserFilter,
  LDAP_MATCHING_RULE_IN_CHAIN,
  nestedMembersFilter,
  parseBaseFilter,
} from './filters';
import { readAllValues } from './ranged';
import { FakeActiveDirectory } from './testing/fakeActiveDirectory';
import { ExtensibleFilter, AndFilter } from 'ldapts';

const base = 'DC=corp,DC=example';
const users = `OU=Users,${base}`;
const groups = `OU=Groups,${base}`;

function userDn(i: number) {
  return `CN=User ${i},${users}`;
}

function buildAd(): FakeActiveDirectory {
  const ad = new FakeActiveDirectory();
  for (let i = 1; i <= 3200; i++) {
    ad.add(userDn(i), {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      objectCategory: 'person',
      sAMAccountName: `u${String(i).padStart(4, '0')}`,
      displayName: `User ${i}`,
      mail: `u${i}@corp.example`,
    });
  }
  const special = `CN=O'Brien\\, (test)*,${users}`;
  ad.add(special, {
    objectClass: ['user'],
    objectCategory: 'person',
    sAMAccountName: 'obrien',
    cn: "O'Brien, (test)*",
  });
  const range = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, k) => userDn(from + k));
  // eng: 2500 direct members; all-staff: eng (nested) + 700 more + O'Brien; a cycle back to all-staff
  ad.add(`CN=eng,${groups}`, {
    objectClass: 'group',
    cn: 'eng',
    member: [...range(1, 2500), `CN=all-staff,${groups}`],
  });
  ad.add(`CN=all-staff,${groups}`, {
    objectClass: 'group',
    cn: 'all-staff',
    member: [`CN=eng,${groups}`, ...range(2501, 3200), special],
  });
  ad.add(`CN=big-direct,${groups}`, {
    objectClass: 'group',
    cn: 'big-direct',
    member: range(1, 3200),
  });
  return ad;
}

function adDirectory(
  ad: FakeActiveDirectory,
  style: 'ad-nested' | 'member' = 'ad-nested',
) {
  return new LdapDirectory(
    {
      url: 'ldaps://dc.corp.example',
      bindDn: `CN=svc,${base}`,
      bindPassword: 'unused',
      userBase: users,
      groupBase: groups,
      groupMembership: style,
      ...(style === 'member'
        ? {
            userIdAttribute: 'sAMAccountName',
            userFilter: '(&(objectCategory=person)(objectClass=user))',
            groupObjectClass: 'group',
          }
        : {}),
    },
    ad.runner(),
  );
}

describe('Active Directory filters', () => {
  it("builds the in-chain filter for a user's groups with the DN escaped", () => {
    const filter = groupsOfUserFilter('ad-nested', {
      dn: `CN=O'Brien\\, (test)*,${users}`,
      uid: 'obrien',
    });
    expect(filter.toString()).toBe(
      `(&(objectClass=group)(member:${LDAP_MATCHING_RULE_IN_CHAIN}:=CN=O'Brien\\5c, \\28test\\29\\2a,${users}))`,
    );
    const inChain = (filter as AndFilter).filters[1] as ExtensibleFilter;
    // the BER value is the raw DN: escaping is only the string form
    expect(inChain.value).toBe(`CN=O'Brien\\, (test)*,${users}`);
    expect(inChain.rule).toBe('1.2.840.113556.1.4.1941');
  });

  it("builds the in-chain filter for a group's members inside the user filter", () => {
    const userFilter = parseBaseFilter(
      '(&(objectCategory=person)(objectClass=user))',
      'userFilter',
    );
    expect(
      nestedMembersFilter(userFilter, `CN=a*)(b,${groups}`).toString(),
    ).toBe(
      `(&(objectCategory=person)(objectClass=user)(memberOf:1.2.840.113556.1.4.1941:=CN=a\\2a\\29\\28b,${groups}))`,
    );
  });
});

describe('LdapDirectory on Active Directory (ad-nested)', () => {
  it('lists nested members with pages of 1000', async () => {
    const ad = buildAd();
    const members = await adDirectory(ad).groupMembers('all-staff');
    expect(members).toHaveLength(3201);
    expect(members.find(m => m.uid === 'obrien')?.displayName).toBe(
      "O'Brien, (test)*",
    );
    expect(members.find(m => m.uid === 'u0001')).toEqual({
      dn: userDn(1),
      uid: 'u0001',
      displayName: 'User 1',
      email: 'u1@corp.example',
    });
    expect(ad.pageRequests).toEqual([1000]);
    expect(ad.pagesReturned).toEqual([1000, 1000, 1000, 201]);
  });

  it("lists a user's groups transitively", async () => {
    const dir = adDirectory(buildAd());
    await expect(dir.groupsOfUser('u0001')).resolves.toEqual([
      'all-staff',
      'big-direct',
      'eng',
    ]);
    // eng contains all-staff (a cycle), so all-staff's direct members are in eng too
    await expect(dir.groupsOfUser('u3000')).resolves.toEqual([
      'all-staff',
      'big-direct',
      'eng',
    ]);
    await expect(dir.groupsOfUser('obrien')).resolves.toEqual([
      'all-staff',
      'eng',
    ]);
  });

  it('finds users by sAMAccountName or mail with the AD default user filter', async () => {
    const dir = adDirectory(buildAd());
    await expect(dir.findUser('u0042')).resolves.toMatchObject({
      dn: userDn(42),
    });
    await expect(dir.findUser('u42@corp.example')).resolves.toMatchObject({
      uid: 'u0042',
    });
    await expect(dir.findUser('*')).resolves.toBeUndefined();
  });
});

describe('ranged retrieval of member', () => {
  it('follows member;range=... until the chunk ending in *', async () => {
    const ad = buildAd();
    const dns = await readAllValues(
      ad.session(),
      `CN=big-direct,${groups}`,
      'member',
    );
    expect(dns).toHaveLength(3200);
    expect(dns[0]).toBe(userDn(1));
    expect(dns[3199]).toBe(userDn(3200));
    expect(ad.baseRequests).toEqual([
      ['member'],
      ['member;range=1500-*'],
      ['member;range=3000-*'],
    ]);
  });

  it('reads a small attribute in one request', async () => {
    const ad = buildAd();
    ad.add(`CN=small,${groups}`, {
      objectClass: 'group',
      cn: 'small',
      member: [userDn(1)],
    });
    await expect(
      readAllValues(ad.session(), `CN=small,${groups}`, 'member'),
    ).resolves.toEqual([userDn(1)]);
    expect(ad.baseRequests).toHaveLength(1);
  });

  it('refuses a range that does not continue where the last ended', async () => {
    const session = {
      search: async () => [{ dn: 'CN=g', 'member;range=5-*': ['x'] }],
      searchPaged: async function* noPages() {},
    };
    await expect(readAllValues(session, 'CN=g', 'member')).rejects.toThrow(
      'unexpected range',
    );
  });

  it('is used for direct members of a large AD group (member style)', async () => {
    const ad = buildAd();
    const members = await adDirectory(ad, 'member').groupMembers('big-direct');
    expect(members).toHaveLength(3200);
    expect(ad.baseRequests.slice(0, 3)).toEqual([
      ['member'],
      ['member;range=1500-*'],
      ['member;range=3000-*'],
    ]);
  });
});
