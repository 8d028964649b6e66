export { LdapDirectory } from './LdapDirectory';
export type { Directory } from './LdapDirectory';
export type {
  LdapDirectoryOptions,
  LdapGroupMembership,
  LdapTlsOptions,
  LdapUser,
} from './types';
export { LDAP_MATCHING_RULE_IN_CHAIN } from './filters';
