import type { Config } from '@backstage/config';
import { isIP } from 'node:net';
import path from 'node:path';
import { ConfigError } from './ConfigError';

/**
 * True for `localhost`, 127.0.0.0/8 and ::1: the only hosts `allowInsecure` may be used with.
 *
 * @public
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || h === '0:0:0:0:0:0:0:1';
}

/**
 * Reads `allowInsecure` of a section: plain-text transports (http, plain tcp Docker) are refused unless it is true, and it is only accepted
 * for loopback hosts (the lab).
 *
 * @public
 */
export function readAllowInsecure(
  c: Config,
  section: string,
  host: string | undefined,
): boolean {
  const allow = c.getOptionalBoolean('allowInsecure') ?? false;
  if (allow && (host === undefined || !isLoopbackHost(host))) {
    throw new ConfigError(
      `${section}.allowInsecure: only allowed for loopback hosts (127.0.0.0/8, ::1, localhost), not ${
        host ?? 'an unset host'
      }`,
    );
  }
  return allow;
}

/**
 * Reads `timeoutMs` (the one timeout name of every section) as an integer in [100 ms, 1 h].
 *
 * @public
 */
export function readTimeoutMs(
  c: Config,
  section: string,
  key = 'timeoutMs',
): number | undefined {
  const v = c.getOptionalNumber(key);
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < 100 || v > 3_600_000) {
    throw new ConfigError(
      `${section}.${key}: must be whole milliseconds between 100 and 3600000`,
    );
  }
  return v;
}

/**
 * Reads an optional whole number in [min, max]; anything else is a {@link ConfigError} naming `section.key`.
 *
 * @public
 */
export function readInteger(
  c: Config | undefined,
  section: string,
  key: string,
  range: { min: number; max: number },
): number | undefined {
  const v = c?.getOptionalNumber(key);
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < range.min || v > range.max) {
    throw new ConfigError(
      `${section}.${key}: must be a whole number between ${range.min} and ${range.max}`,
    );
  }
  return v;
}

/**
 * Reads `baseUrl`: the server's root URL (`https://host[:port][/prefix]`) WITHOUT the API path,
 * which the client appends (`apiPath`, e.g. `/api` or `/api2/json`). `http:` needs
 * `allowInsecure` (loopback only). Returns the URL without a trailing slash.
 *
 * @public
 */
export function readBaseUrl(
  c: Config,
  section: string,
  apiPath: string,
): string {
  const raw = c.getString('baseUrl');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${section}.baseUrl: must be an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError(`${section}.baseUrl: must be http(s)`);
  if (url.username || url.password || url.search || url.hash)
    throw new ConfigError(
      `${section}.baseUrl: no credentials, query or fragment in the URL`,
    );
  const pathname = url.pathname.replace(/\/+$/, '');
  if (pathname === apiPath || pathname.endsWith(apiPath)) {
    throw new ConfigError(
      `${section}.baseUrl: give the server's root URL without ${apiPath} (the client adds it)`,
    );
  }
  const allowInsecure = readAllowInsecure(c, section, url.hostname);
  if (url.protocol === 'http:' && !allowInsecure) {
    throw new ConfigError(
      `${section}.baseUrl: plain http sends the credentials in clear text; use https (allowInsecure: true is accepted for loopback labs only)`,
    );
  }
  return `${url.origin}${pathname}`;
}

/**
 * A path from config: absolute as given, relative resolved against the backend's working
 * directory (where `app-config.embedded.yaml` paths such as `../../.lab-data` are meant from).
 *
 * @public
 */
export function readPath(c: Config, key: string): string | undefined {
  const v = c.getOptionalString(key);
  if (v === undefined) return undefined;
  if (v.length === 0 || v.includes('\0'))
    throw new ConfigError(`${key}: must be a non-empty path`);
  return path.resolve(process.cwd(), v);
}

/**
 * The one shape of every SSH section (`dockerEnv.ssh`, `dockerEnv.traefik.sftp`).
 *
 * @public
 */
export interface SshConfig {
  /** Fixed host; environment hosts come from the caller. */
  host?: string;
  port?: number;
  username?: string;
  privateKey: string;
  passphrase?: string;
  /** Pinned host key `SHA256:<base64>`; environment hosts' keys come from the caller. */
  hostKey?: string;
  connectTimeoutMs?: number;
  timeoutMs?: number;
}

/**
 * Reads an SSH section in the shape of {@link SshConfig}.
 *
 * @public
 */
export function readSshConfig(c: Config, section: string): SshConfig {
  return {
    host: c.getOptionalString('host'),
    port: c.getOptionalNumber('port'),
    username: c.getOptionalString('username'),
    privateKey: c.getString('privateKey'),
    passphrase: c.getOptionalString('passphrase'),
    hostKey: c.getOptionalString('hostKey'),
    connectTimeoutMs: readTimeoutMs(c, section, 'connectTimeoutMs'),
    timeoutMs: readTimeoutMs(c, section),
  };
}
