import { InputError } from '@backstage/errors';
import {
  AndFilter,
  EqualityFilter,
  ExtensibleFilter,
  Filter,
  FilterParser,
  OrFilter,
} from 'ldapts';
import { LdapGroupMembership } from './types';

/**
 * Filters are built as ldapts Filter objects: values travel BER-encoded and never pass through
 * filter-string parsing, so `*)(uid=*` is just a literal value. `toString()` shows the escaped form.
 */

/** Active Directory's LDAP_MATCHING_RULE_IN_CHAIN: transitive (nested) membership. */
export const LDAP_MATCHING_RULE_IN_CHAIN = '1.2.840.113556.1.4.1941';

/** Parses an operator-supplied base filter such as `(objectClass=inetOrgPerson)`. */
export function parseBaseFilter(filter: string, field: string): Filter {
  const trimmed = filter.trim();
  if (!trimmed.startsWith('(') || !trimmed.endsWith(')')) {
    throw new InputError(`${field}: must be an LDAP filter in parentheses`);
  }
  try {
    return FilterParser.parseString(trimmed);
  } catch (e) {
    throw new InputError(
      `${field}: not a valid LDAP filter (${(e as Error).message})`,
    );
  }
}

/** `(&a b ...)`, flattening nested ANDs so the printed filter stays readable. */
export function and(...filters: Filter[]): Filter {
  const flat: Filter[] = [];
  for (const f of filters) {
    if (f instanceof AndFilter) flat.push(...f.filters);
    else flat.push(f);
  }
  return new AndFilter({ filters: flat });
}

/** `(attribute=value)` with the value carried literally (no wildcards, no escaping needed). */
export function eq(attribute: string, value: string): Filter {
  return new EqualityFilter({ attribute, value });
}

/** The default object class of each membership style's groups. */
export function groupObjectClass(style: LdapGroupMembership): string {
  switch (style) {
    case 'member':
      return 'groupOfNames';
    case 'uniqueMember':
      return 'groupOfUniqueNames';
    case 'memberUid':
      return 'posixGroup';
    case 'ad-nested':
      return 'group';
    default:
      throw new InputError(`groupMembership: unknown style ${String(style)}`);
  }
}

/** The group attribute that lists members for a style (DNs, except posixGroup's uids). */
export function membershipAttribute(style: LdapGroupMembership): string {
  switch (style) {
    case 'uniqueMember':
      return 'uniqueMember';
    case 'memberUid':
      return 'memberUid';
    default:
      return 'member';
  }
}

/** One user by login name or by e-mail address. */
export function userLookupFilter(
  userFilter: Filter,
  attribute: string,
  value: string,
): Filter {
  return and(userFilter, eq(attribute, value));
}

/** One group by name. */
export function groupByNameFilter(
  objectClass: string,
  nameAttribute: string,
  name: string,
): Filter {
  return and(eq('objectClass', objectClass), eq(nameAttribute, name));
}

/**
 * Groups holding a user: by DN (`member`, `uniqueMember`), by uid (`memberUid`), or transitively
 * in AD with `(member:1.2.840.113556.1.4.1941:=<userDN>)`.
 */
export function groupsOfUserFilter(
  style: LdapGroupMembership,
  user: { dn: string; uid: string },
  groupClass: string = groupObjectClass(style),
): Filter {
  const objectClass = eq('objectClass', groupClass);
  switch (style) {
    case 'memberUid':
      return and(objectClass, eq('memberUid', user.uid));
    case 'ad-nested':
      return and(
        objectClass,
        new ExtensibleFilter({
          matchType: 'member',
          rule: LDAP_MATCHING_RULE_IN_CHAIN,
          value: user.dn,
        }),
      );
    default:
      return and(objectClass, eq(membershipAttribute(style), user.dn));
  }
}

/** AD: every user that is a direct or nested member of the group. */
export function nestedMembersFilter(
  userFilter: Filter,
  groupDn: string,
): Filter {
  return and(
    userFilter,
    new ExtensibleFilter({
      matchType: 'memberOf',
      rule: LDAP_MATCHING_RULE_IN_CHAIN,
      value: groupDn,
    }),
  );
}

/** Users whose memberOf-style attribute names the group (OpenLDAP memberof overlay). */
export function memberOfFilter(
  userFilter: Filter,
  memberOfAttribute: string,
  groupDn: string,
): Filter {
  return and(userFilter, eq(memberOfAttribute, groupDn));
}

/** Users with one of the given login names, e.g. a posixGroup's memberUid values. */
export function usersByIdFilter(
  userFilter: Filter,
  idAttribute: string,
  ids: string[],
): Filter {
  return and(
    userFilter,
    new OrFilter({ filters: ids.map(id => eq(idAttribute, id)) }),
  );
}
