import { Config } from '@backstage/config';
import { buildFromConfig, isLoopbackHost, readTimeoutMs } from '../config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { Entry, Filter, ResultCodeError } from 'ldapts';
import { firstValue, stripOptionalUid } from './attributes';
import { toLdapError } from './errors';
import {
  groupByNameFilter,
  groupObjectClass,
  groupsOfUserFilter,
  memberOfFilter,
  membershipAttribute,
  nestedMembersFilter,
  parseBaseFilter,
  userLookupFilter,
  usersByIdFilter,
} from './filters';
import { readAllValues } from './ranged';
import { LdapSession, LdapSessionRunner, ldaptsSessionRunner } from './session';
import { LdapDirectoryOptions, LdapGroupMembership, LdapUser } from './types';
import {
  assertAttributeName,
  assertDn,
  assertLdapUrl,
  assertLookupValue,
} from './validation';

/** Read access to users and groups, for ownership ("me or one of my groups") and team sync. */
export interface Directory {
  /** A user by login name, or by e-mail address when the value contains `@`; undefined when absent. */
  findUser(uidOrEmail: string): Promise<LdapUser | undefined>;
  /** Names of the groups the user belongs to (transitively for `ad-nested`). */
  groupsOfUser(uid: string): Promise<string[]>;
  /** The users in a group, sorted by uid; NotFoundError when the group does not exist. */
  groupMembers(groupName: string): Promise<LdapUser[]>;
}

const STYLES: LdapGroupMembership[] = [
  'member',
  'uniqueMember',
  'memberUid',
  'ad-nested',
];
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_PAGE_SIZE = 1000;
/** Concurrent base lookups when resolving member DNs one by one. */
const DN_LOOKUP_CONCURRENCY = 8;
/** uids per OR filter when resolving posixGroup members. */
const UID_BATCH = 100;

/** {@link Directory} over LDAP (OpenLDAP, 389-DS, Active Directory) with ldapts. */
export class LdapDirectory implements Directory {
  private readonly userFilter: Filter;
  private readonly idAttribute: string;
  private readonly nameAttribute: string;
  private readonly groupClass: string;
  private readonly pageSize: number;
  private readonly userAttributes: string[];

  /** Reads `dockerEnv.ldap`. */
  static fromConfig(config: Config): LdapDirectory {
    return buildFromConfig('dockerEnv.ldap', () => LdapDirectory.read(config));
  }

  private static read(config: Config): LdapDirectory {
    const c = config.getConfig('dockerEnv.ldap');
    const tls = c.getOptionalConfig('tls');
    return new LdapDirectory({
      url: c.getString('url'),
      bindDn: c.getString('bindDn'),
      bindPassword: c.getString('bindPassword'),
      userBase: c.getString('userBase'),
      userFilter: c.getOptionalString('userFilter'),
      groupBase: c.getString('groupBase'),
      groupMembership: c.getString('groupMembership') as LdapGroupMembership,
      timeoutMs: readTimeoutMs(c, 'dockerEnv.ldap'),
      userIdAttribute: c.getOptionalString('userIdAttribute'),
      groupNameAttribute: c.getOptionalString('groupNameAttribute'),
      groupObjectClass: c.getOptionalString('groupObjectClass'),
      memberOfAttribute: c.getOptionalString('memberOfAttribute'),
      pageSize: c.getOptionalNumber('pageSize'),
      allowInsecure: c.getOptionalBoolean('allowInsecure'),
      tls: tls && {
        startTls: tls.getOptionalBoolean('startTls'),
        ca: tls.getOptionalString('ca'),
        rejectUnauthorized: tls.getOptionalBoolean('rejectUnauthorized'),
      },
    });
  }

  /**
   * @param runSession - replaces the ldapts connection (tests of server behaviour we cannot run
   *   locally, such as Active Directory's ranged attributes).
   */
  constructor(
    private readonly options: LdapDirectoryOptions,
    runSession?: LdapSessionRunner,
  ) {
    if (!STYLES.includes(options.groupMembership)) {
      throw new InputError(
        `groupMembership: must be one of ${STYLES.join(', ')}`,
      );
    }
    assertLdapUrl('url', options.url);
    assertLdapTransport(options);
    assertDn('bindDn', options.bindDn);
    assertDn('userBase', options.userBase);
    assertDn('groupBase', options.groupBase);
    const ad = options.groupMembership === 'ad-nested';
    this.idAttribute =
      options.userIdAttribute ?? (ad ? 'sAMAccountName' : 'uid');
    this.nameAttribute = options.groupNameAttribute ?? 'cn';
    this.groupClass =
      options.groupObjectClass ?? groupObjectClass(options.groupMembership);
    assertAttributeName('groupObjectClass', this.groupClass);
    assertAttributeName('userIdAttribute', this.idAttribute);
    assertAttributeName('groupNameAttribute', this.nameAttribute);
    if (options.memberOfAttribute !== undefined) {
      assertAttributeName('memberOfAttribute', options.memberOfAttribute);
    }
    this.userFilter = parseBaseFilter(
      options.userFilter ??
        (ad
          ? '(&(objectCategory=person)(objectClass=user))'
          : '(objectClass=inetOrgPerson)'),
      'userFilter',
    );
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (
      !Number.isInteger(this.pageSize) ||
      this.pageSize < 1 ||
      this.pageSize > 10000
    ) {
      throw new InputError('pageSize: must be an integer from 1 to 10000');
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
      throw new InputError('timeoutMs: must be a positive integer');
    }
    this.userAttributes = [this.idAttribute, 'displayName', 'cn', 'mail'];
    this.runSession =
      runSession ??
      ldaptsSessionRunner({
        url: options.url,
        bindDn: options.bindDn,
        bindPassword: options.bindPassword,
        timeoutMs,
        tls: options.tls,
      });
  }

  private readonly runSession: LdapSessionRunner;

  async findUser(uidOrEmail: string): Promise<LdapUser | undefined> {
    assertLookupValue('uidOrEmail', uidOrEmail);
    return this.operation('findUser', s => this.lookupUser(s, uidOrEmail));
  }

  async groupsOfUser(uid: string): Promise<string[]> {
    assertLookupValue('uid', uid);
    return this.operation('groupsOfUser', async s => {
      const user = await this.lookupUser(s, uid);
      if (!user) throw new NotFoundError(`LDAP user ${uid} not found`);
      const names = new Set<string>();
      for await (const page of s.searchPaged(
        this.options.groupBase,
        {
          scope: 'sub',
          filter: groupsOfUserFilter(
            this.options.groupMembership,
            user,
            this.groupClass,
          ),
          attributes: [this.nameAttribute],
        },
        this.pageSize,
      )) {
        for (const entry of page) {
          const name = firstValue(entry, this.nameAttribute);
          if (name) names.add(name);
        }
      }
      return [...names].sort();
    });
  }

  async groupMembers(groupName: string): Promise<LdapUser[]> {
    assertLookupValue('groupName', groupName);
    return this.operation('groupMembers', async s => {
      const style = this.options.groupMembership;
      const groups = await s.search(this.options.groupBase, {
        scope: 'sub',
        filter: groupByNameFilter(
          this.groupClass,
          this.nameAttribute,
          groupName,
        ),
        attributes: [this.nameAttribute],
      });
      if (groups.length === 0)
        throw new NotFoundError(`LDAP group ${groupName} not found`);
      if (groups.length > 1) {
        throw new ConflictError(
          `LDAP group name ${groupName} is ambiguous (${groups.length} groups)`,
        );
      }
      const groupDn = groups[0].dn;
      let users: LdapUser[];
      if (style === 'ad-nested') {
        users = await this.pagedUsers(
          s,
          nestedMembersFilter(this.userFilter, groupDn),
        );
      } else if (style === 'member' && this.options.memberOfAttribute) {
        users = await this.pagedUsers(
          s,
          memberOfFilter(
            this.userFilter,
            this.options.memberOfAttribute,
            groupDn,
          ),
        );
      } else if (style === 'memberUid') {
        users = await this.usersByIds(
          s,
          await readAllValues(s, groupDn, 'memberUid'),
        );
      } else {
        const dns = await readAllValues(s, groupDn, membershipAttribute(style));
        users = await this.usersByDn(s, dns.map(stripOptionalUid));
      }
      return uniqueSorted(users);
    });
  }

  private async operation<T>(
    name: string,
    fn: (s: LdapSession) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.runSession(fn);
    } catch (e) {
      throw toLdapError(e, name);
    }
  }

  private async lookupUser(
    s: LdapSession,
    uidOrEmail: string,
  ): Promise<LdapUser | undefined> {
    const attribute = uidOrEmail.includes('@') ? 'mail' : this.idAttribute;
    const entries = await s.search(this.options.userBase, {
      scope: 'sub',
      filter: userLookupFilter(this.userFilter, attribute, uidOrEmail),
      attributes: this.userAttributes,
    });
    const users = entries.map(e => this.toUser(e)).filter(isDefined);
    if (users.length > 1) {
      throw new ConflictError(
        `LDAP lookup of ${uidOrEmail} is ambiguous (${users.length} users)`,
      );
    }
    return users[0];
  }

  private async pagedUsers(
    s: LdapSession,
    filter: Filter,
  ): Promise<LdapUser[]> {
    const users: LdapUser[] = [];
    for await (const page of s.searchPaged(
      this.options.userBase,
      { scope: 'sub', filter, attributes: this.userAttributes },
      this.pageSize,
    )) {
      users.push(...page.map(e => this.toUser(e)).filter(isDefined));
    }
    return users;
  }

  private async usersByIds(s: LdapSession, ids: string[]): Promise<LdapUser[]> {
    const users: LdapUser[] = [];
    for (let i = 0; i < ids.length; i += UID_BATCH) {
      const batch = ids.slice(i, i + UID_BATCH);
      users.push(
        ...(await this.pagedUsers(
          s,
          usersByIdFilter(this.userFilter, this.idAttribute, batch),
        )),
      );
    }
    return users;
  }

  /** Base lookups of member DNs; entries that are not users (nested groups, dangling DNs) are skipped. */
  private async usersByDn(s: LdapSession, dns: string[]): Promise<LdapUser[]> {
    const users: LdapUser[] = [];
    let next = 0;
    const worker = async () => {
      while (next < dns.length) {
        const dn = dns[next++];
        try {
          const [entry] = await s.search(dn, {
            scope: 'base',
            filter: this.userFilter,
            attributes: this.userAttributes,
          });
          const user = entry && this.toUser(entry);
          if (user) users.push(user);
        } catch (e) {
          // a malformed member value (invalidDNSyntax, 34) is data, not an outage
          if (!(e instanceof ResultCodeError && e.code === 34)) throw e;
        }
      }
    };
    await Promise.all(
      Array.from(
        { length: Math.min(DN_LOOKUP_CONCURRENCY, dns.length) },
        worker,
      ),
    );
    return users;
  }

  private toUser(entry: Entry): LdapUser | undefined {
    const uid = firstValue(entry, this.idAttribute);
    if (!uid) return undefined;
    return {
      dn: entry.dn,
      uid,
      displayName:
        firstValue(entry, 'displayName') ?? firstValue(entry, 'cn') ?? uid,
      email: firstValue(entry, 'mail'),
    };
  }
}

function isDefined<T>(v: T | undefined): v is T {
  return v !== undefined;
}

function uniqueSorted(users: LdapUser[]): LdapUser[] {
  const byDn = new Map<string, LdapUser>();
  for (const u of users) byDn.set(u.dn.toLowerCase(), u);
  return [...byDn.values()].sort((a, b) => a.uid.localeCompare(b.uid));
}

/**
 * A simple bind sends the password: only over `ldaps://` or StartTLS, or (loopback labs) with
 * `allowInsecure`.
 */
function assertLdapTransport(options: LdapDirectoryOptions) {
  const url = new URL(options.url);
  if (options.allowInsecure && !isLoopbackHost(url.hostname)) {
    throw new InputError(
      `allowInsecure: only allowed for loopback hosts, not ${url.hostname}`,
    );
  }
  if (
    url.protocol === 'ldap:' &&
    !options.tls?.startTls &&
    !options.allowInsecure
  ) {
    throw new InputError(
      'url: a simple bind over ldap:// sends the password in clear text; use ldaps:// or tls.startTls (allowInsecure is for loopback labs only)',
    );
  }
}
