import { fail, requireString } from './primitives';

// Validators for values that reach a Traefik rule or file, an SSH connection or a remote path.
// Like safeValues.ts, each throws InputError "field: rule" before anything is sent or written.

/**
 * A TCP port, 1-65535.
 *
 * @public
 */
export function assertPort(value: unknown, field: string): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > 65535
  ) {
    fail(field, 'must be a TCP port (whole number 1-65535)');
  }
  return value;
}

/**
 * An SSH host key fingerprint as OpenSSH prints it (`ssh-keygen -lf`): `SHA256:` followed by
 * the unpadded base64 of the 32-byte digest.
 *
 * @public
 */
export function assertSha256Fingerprint(value: unknown, field: string): string {
  const v = requireString(value, field, 60);
  if (!/^SHA256:[A-Za-z0-9+/]{43}=?$/.test(v)) {
    fail(
      field,
      'must be an OpenSSH SHA256 fingerprint like SHA256:<43 base64 characters>',
    );
  }
  return v.replace(/=$/, '');
}

/**
 * A POSIX login name: lowercase letter or `_` first, then lowercase letters, digits, `_`, `-` (max 32).
 *
 * @public
 */
export function assertPosixUsername(value: unknown, field: string): string {
  const v = requireString(value, field, 32);
  if (!/^[a-z_][a-z0-9_-]*$/.test(v)) {
    fail(
      field,
      'must be a POSIX user name (lowercase letters, digits, "_" and "-", not starting with a digit or "-")',
    );
  }
  return v;
}

/**
 * An SSH target host: a host name of DNS labels or an IPv4 address (no user@, no port, no spaces).
 *
 * @public
 */
export function assertSshHost(value: unknown, field: string): string {
  const v = requireString(value, field, 253);
  const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
  const lower = v.toLowerCase();
  if (!lower.split('.').every(l => label.test(l))) {
    fail(field, 'must be a host name or an IPv4 address');
  }
  return v;
}

/**
 * A Traefik object name (router, service, middleware, entry point, cert resolver), optionally
 * qualified by its provider (`secure-headers@file`).
 *
 * @public
 */
export function assertTraefikName(value: unknown, field: string): string {
  const v = requireString(value, field, 128);
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*(@[a-z][a-z0-9-]*)?$/.test(v)) {
    fail(
      field,
      'must be a Traefik name: letters, digits, "-" and "_", optionally followed by @provider',
    );
  }
  return v;
}

/**
 * A Go duration as Traefik parses it (time.ParseDuration), e.g. `10s`, `1m30s`, `500ms`.
 *
 * @public
 */
export function assertGoDuration(value: unknown, field: string): string {
  const v = requireString(value, field, 32);
  if (!/^([0-9]+(ns|us|ms|s|m|h))+$/.test(v)) {
    fail(field, 'must be a duration like 10s, 500ms or 1m30s');
  }
  return v;
}

/**
 * An absolute POSIX path without `.`/`..` segments, NUL bytes or newlines.
 *
 * @public
 */
export function assertAbsolutePosixPath(value: unknown, field: string): string {
  const v = requireString(value, field, 4096);
  if (
    !v.startsWith('/') ||
    /[\0\n\r]/.test(v) ||
    v.split('/').some(s => s === '..' || s === '.')
  ) {
    fail(
      field,
      'must be an absolute path without "." or ".." segments, NUL or newlines',
    );
  }
  return v;
}

/**
 * An http(s) URL without credentials, query or fragment, on a host name or IPv4 address; returned
 * normalised without a trailing slash.
 *
 * @public
 */
export function assertHttpUrl(value: unknown, field: string): string {
  const v = requireString(value, field, 2048);
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    fail(field, 'must be an http or https URL');
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    !/^[a-z0-9.-]+$/.test(url.hostname) ||
    !/^[A-Za-z0-9/._~-]*$/.test(url.pathname)
  ) {
    fail(
      field,
      'must be an http or https URL on a plain host, without credentials, query or fragment',
    );
  }
  return url.toString().replace(/\/$/, '');
}
