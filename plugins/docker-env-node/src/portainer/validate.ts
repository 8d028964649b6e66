import { InputError } from '@backstage/errors';

// Portainer-specific input checks, run before any request. Each throws InputError "field: rule".

function fail(field: string, rule: string): never {
  throw new InputError(`${field}: ${rule}`);
}

function str(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0) {
    fail(field, 'is required and must be a non-empty string');
  }
  if (value.length > max) fail(field, `must be at most ${max} characters`);
  return value;
}

/** Environment, team and registry names: ASCII letters, digits, `.`, `_`, `-`; no `..`. */
export function assertPortainerName(value: unknown, field: string, max = 64): string {
  const v = str(value, field, max);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v) || v.includes('..')) {
    fail(field, 'may contain only ASCII letters, digits, ".", "_" and "-", start with a letter or digit, and not contain ".."');
  }
  return v;
}

/** A Portainer user name (LDAP uid or e-mail like): letters, digits, `.`, `_`, `-`, `@`. */
export function assertUsername(value: unknown, field: string): string {
  const v = str(value, field, 128);
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]*$/.test(v) || v.includes('..')) {
    fail(field, 'may contain only ASCII letters, digits, ".", "_", "-" and "@"');
  }
  return v;
}

/** A registry address: `host[:port][/path]`, lowercase host, no scheme, no `..`. */
export function assertRegistryUrl(value: unknown, field: string): string {
  const v = str(value, field, 253);
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[A-Za-z0-9._-]+)*$/.test(v) || v.includes('..')) {
    fail(field, 'must be host[:port][/path] (no scheme, lowercase host, no "..")');
  }
  return v;
}

/** A secret sent in a JSON body: any printable text, no control characters. Never echoed. */
export function assertSecret(value: unknown, field: string): string {
  const v = str(value, field, 1024);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v)) fail(field, 'must not contain control characters');
  return v;
}

/** A Docker Engine API path such as `/containers/json`: safe segments, no `..`. */
export function assertDockerPath(value: unknown, field: string): string {
  const v = str(value, field, 512);
  if (!/^(\/[A-Za-z0-9._:@-]+)+$/.test(v) || v.split('/').some(s => s === '..' || s === '.')) {
    fail(field, 'must be a path like /containers/json made of letters, digits and . _ : @ - (no "..")');
  }
  return v;
}
