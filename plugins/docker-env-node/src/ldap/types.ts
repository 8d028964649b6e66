/** How group membership is stored in the directory. */
export type LdapGroupMembership =
  | 'member'
  | 'uniqueMember'
  | 'memberUid'
  | 'ad-nested';

/** A directory user, normalised (single-valued strings, whatever the server returned). */
export interface LdapUser {
  dn: string;
  uid: string;
  displayName: string;
  email?: string;
}

/** TLS settings for ldaps:// or StartTLS. */
export interface LdapTlsOptions {
  /** Upgrade an ldap:// connection with StartTLS before binding. */
  startTls?: boolean;
  /** PEM CA bundle to trust in addition to the system store. */
  ca?: string;
  /** Defaults to true; false only for lab setups. */
  rejectUnauthorized?: boolean;
}

/** Settings of {@link LdapDirectory}; `dockerEnv.ldap` in app-config. */
export interface LdapDirectoryOptions {
  url: string;
  bindDn: string;
  bindPassword: string;
  userBase: string;
  /** Base filter selecting user entries, e.g. `(objectClass=inetOrgPerson)`. */
  userFilter?: string;
  groupBase: string;
  groupMembership: LdapGroupMembership;
  /** Per-request and connect timeout in milliseconds (default 10000). */
  timeoutMs?: number;
  /** Attribute holding the login name (default `uid`, `sAMAccountName` for ad-nested). */
  userIdAttribute?: string;
  /**
   * Object class of group entries (default by style: groupOfNames, groupOfUniqueNames, posixGroup,
   * group); e.g. `group` for style `member` on Active Directory without nesting.
   */
  groupObjectClass?: string;
  /** Attribute holding the group name (default `cn`). */
  groupNameAttribute?: string;
  /**
   * When set (e.g. `memberOf`, maintained by the OpenLDAP memberof overlay), members of `member`
   * groups are found with one paged search on this attribute instead of looking up each member DN.
   */
  memberOfAttribute?: string;
  /** Page size for searches that may return many entries (default 1000). */
  pageSize?: number;
  /** `ldaps://`, or StartTLS on `ldap://`; without either the bind is refused unless `allowInsecure`. */
  tls?: LdapTlsOptions;
  /** Allow a simple bind over plain `ldap://`; accepted for loopback hosts only (the lab). */
  allowInsecure?: boolean;
}
