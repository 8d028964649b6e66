import { InputError } from '@backstage/errors';

const MAX_VALUE_LENGTH = 256;

/** A uid, e-mail or group name about to go into a filter: present, bounded, no control characters. */
export function assertLookupValue(
  field: string,
  value: unknown,
): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(`${field}: must be a non-empty string`);
  }
  if (value.length > MAX_VALUE_LENGTH) {
    throw new InputError(
      `${field}: must be at most ${MAX_VALUE_LENGTH} characters`,
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new InputError(`${field}: must not contain control characters`);
  }
}

/** An attribute description: a name (`sAMAccountName`) or an OID. */
export function assertAttributeName(field: string, value: string): void {
  if (!/^([A-Za-z][A-Za-z0-9-]{0,63}|\d+(\.\d+)+)$/.test(value)) {
    throw new InputError(`${field}: must be an LDAP attribute name`);
  }
}

/** A distinguished name from configuration: `attr=value` components, no control characters. */
export function assertDn(field: string, value: string): void {
  if (
    !/^[A-Za-z][A-Za-z0-9-]*=[^]+$/.test(value) ||
    hasControlCharacter(value)
  ) {
    throw new InputError(
      `${field}: must be a distinguished name like ou=people,dc=example,dc=org`,
    );
  }
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** ldap:// or ldaps:// with a host and no credentials or path. */
export function assertLdapUrl(field: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`${field}: must be an ldap:// or ldaps:// URL`);
  }
  if (url.protocol !== 'ldap:' && url.protocol !== 'ldaps:') {
    throw new InputError(`${field}: must be an ldap:// or ldaps:// URL`);
  }
  if (!url.hostname) throw new InputError(`${field}: must name a host`);
  if (url.username || url.password) {
    throw new InputError(
      `${field}: must not contain credentials (use bindDn/bindPassword)`,
    );
  }
  if ((url.pathname && url.pathname !== '/') || url.search) {
    throw new InputError(`${field}: must not have a path or query`);
  }
}
