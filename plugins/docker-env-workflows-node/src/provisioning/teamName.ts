/**
 * The owner's whole entity ref in its canonical form (`kind:namespace/name`, lower case, the
 * namespace `default` when omitted): entity refs compare case-insensitively in Backstage.
 *
 * @public
 */
export function canonicalOwnerRef(owner: string): string {
  const m = /^(user|group):(?:([a-z0-9-]+)\/)?([A-Za-z0-9._-]+)$/i.exec(
    owner.trim(),
  );
  if (!m)
    throw new Error(
      `owner: ${JSON.stringify(owner)} is not a user or group entity ref`,
    );
  const [, kind, namespace = 'default', name] = m;
  return `${kind}:${namespace}/${name}`.toLocaleLowerCase('en-US');
}

/**
 * The Portainer team of an owner: the configured prefix plus the owner's whole ref, e.g.
 * `docker-env-group:default/team-a`. The whole ref keeps `user:default/ops` and `group:default/ops`
 * apart, and its `:` and `/` never match an LDAP group `cn`, so Portainer's own LDAP team sync
 * (which adds members at login and never removes) cannot touch these teams.
 *
 * @public
 */
export function portainerTeamName(prefix: string, owner: string): string {
  return `${prefix}${canonicalOwnerRef(owner)}`;
}

/**
 * The team name used before {@link portainerTeamName} (prefix plus the entity name only), kept so
 * the migration can find and retire those teams.
 *
 * @public
 */
export function legacyPortainerTeamName(prefix: string, owner: string): string {
  return `${prefix}${canonicalOwnerRef(owner).split('/')[1]}`;
}
