import {
  fail,
  requireObjectName,
  requireString,
} from '../validation/primitives';

// Portainer-specific input checks, run before any request. Each throws InputError "field: rule".

/** Environment, team and registry names: ASCII letters, digits, `.`, `_`, `-`; no `..`. */
export function assertPortainerName(
  value: unknown,
  field: string,
  max = 64,
): string {
  return requireObjectName(value, field, max);
}

/**
 * A Portainer team name: like an object name, plus `:` and `/` (our teams carry the owner's whole
 * entity ref, e.g. `docker-env-group:default/team-a`).
 */
export function assertTeamName(value: unknown, field: string): string {
  const v = requireString(value, field, 255);
  if (!/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/.test(v) || v.includes('..')) {
    fail(
      field,
      'may contain only ASCII letters, digits, ".", "_", "-", ":" and "/", start with a letter or digit, and not contain ".."',
    );
  }
  return v;
}

/** A Portainer user name (LDAP uid or e-mail like): letters, digits, `.`, `_`, `-`, `@`. */
export function assertUsername(value: unknown, field: string): string {
  const v = requireString(value, field, 128);
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]*$/.test(v) || v.includes('..')) {
    fail(
      field,
      'may contain only ASCII letters, digits, ".", "_", "-" and "@"',
    );
  }
  return v;
}

/**
 * A registry address: `host[:port][/path]`, lowercase host, no scheme, no `..`.
 *
 * @public
 */
export function assertRegistryUrl(value: unknown, field: string): string {
  const v = requireString(value, field, 253);
  if (
    !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[A-Za-z0-9._-]+)*$/.test(
      v,
    ) ||
    v.includes('..')
  ) {
    fail(
      field,
      'must be host[:port][/path] (no scheme, lowercase host, no "..")',
    );
  }
  return v;
}

/** A secret sent in a JSON body: any printable text, no control characters. Never echoed. */
export function assertSecret(value: unknown, field: string): string {
  const v = requireString(value, field, 1024);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v))
    fail(field, 'must not contain control characters');
  return v;
}

/** A Docker Engine API path such as `/containers/json`: safe segments, no `..`. */
export function assertDockerPath(value: unknown, field: string): string {
  const v = requireString(value, field, 512);
  if (
    !/^(\/[A-Za-z0-9._:@-]+)+$/.test(v) ||
    v.split('/').some(s => s === '..' || s === '.')
  ) {
    fail(
      field,
      'must be a path like /containers/json made of letters, digits and . _ : @ - (no "..")',
    );
  }
  return v;
}

/**
 * A registry user name (`username`, e.g. a GitLab deploy token's `gitlab+deploy-token-1`) or secret
 * (`secret`: any printable text) as Portainer stores them.
 *
 * @public
 */
export function assertRegistryCredential(
  value: unknown,
  field: string,
  secret: boolean,
): string {
  if (secret) return assertSecret(value, field);
  const v = requireString(value, field, 255);
  if (!/^[A-Za-z0-9][A-Za-z0-9._@+-]*$/.test(v))
    fail(
      field,
      'may contain only ASCII letters, digits, ".", "_", "-", "+" and "@"',
    );
  return v;
}
