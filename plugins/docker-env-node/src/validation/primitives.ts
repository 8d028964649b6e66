import { InputError } from '@backstage/errors';

// The building blocks of every validator in this package (`fail` and `requireString` are exported, marked
// @internal, for the validators of docker-env-workflows-node).
// Each check throws InputError "field: rule" so nothing is sent; the messages are part of the API.

/**
 * Throws InputError `field: rule`.
 *
 * @internal
 */
export function fail(field: string, rule: string): never {
  throw new InputError(`${field}: ${rule}`);
}

/**
 * A non-empty string of at most `maxLength` characters.
 *
 * @internal
 */
export function requireString(
  value: unknown,
  field: string,
  maxLength: number,
): string {
  if (typeof value !== 'string' || value.length === 0) {
    fail(field, 'is required and must be a non-empty string');
  }
  if (value.length > maxLength) {
    fail(field, `must be at most ${maxLength} characters`);
  }
  return value;
}

/** An object name (NetBox VM or cluster, Portainer environment or team): ASCII letters, digits, `.`, `_`, `-`; no `..`. */
export function requireObjectName(
  value: unknown,
  field: string,
  maxLength: number,
): string {
  const v = requireString(value, field, maxLength);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v) || v.includes('..')) {
    fail(
      field,
      'may contain only ASCII letters, digits, ".", "_" and "-", start with a letter or digit, and not contain ".."',
    );
  }
  return v;
}

/** An http(s) base URL (as a string, trailing slashes removed). An unparsable one throws URL's TypeError. */
export function requireHttpBaseUrl(value: string, field: string): string {
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(field, 'must be an http(s) URL');
  }
  return url.toString().replace(/\/+$/, '');
}
