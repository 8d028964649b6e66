import { InputError } from '@backstage/errors';
import { timingSafeEqual } from 'node:crypto';
import type Docker from 'dockerode';
import { assertHostname, assertInteger, assertIpv4 } from '../validation';
import type { DockerConnectionSpec } from './types';

/**
 * Normalises a pinned SSH host key fingerprint to lowercase hex: accepts OpenSSH's
 * `SHA256:<base64>` (padding optional) or 64 hex digits. ssh2 hands the verifier a hex digest.
 */
export function normaliseHostKeySha256(
  value: unknown,
  field = 'hostKeySha256',
): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InputError(
      `${field}: is required (SHA256:<base64> as printed by ssh-keygen -lf, or 64 hex digits)`,
    );
  }
  const v = value.trim();
  if (/^[a-fA-F0-9]{64}$/.test(v)) return v.toLowerCase();
  const m = /^SHA256:([A-Za-z0-9+/]{43})=?$/.exec(v);
  if (m) {
    const bytes = Buffer.from(m[1], 'base64');
    if (bytes.length === 32) return bytes.toString('hex');
  }
  throw new InputError(
    `${field}: must be SHA256:<43 base64 characters> or 64 hex digits`,
  );
}

/** A host verifier for ssh2 with `hostHash: 'sha256'` that accepts exactly the pinned key. */
export function pinnedHostVerifier(
  expectedHex: string,
): (hashedKey: string) => boolean {
  const expected = Buffer.from(expectedHex, 'hex');
  return (hashedKey: string) => {
    if (typeof hashedKey !== 'string' || !/^[a-f0-9]{64}$/i.test(hashedKey))
      return false;
    const got = Buffer.from(hashedKey, 'hex');
    return got.length === expected.length && timingSafeEqual(got, expected);
  };
}

function assertHost(value: unknown, field: string): string {
  if (typeof value === 'string' && /^\d+\.\d+\.\d+\.\d+$/.test(value))
    return assertIpv4(value, field);
  return assertHostname(value, field);
}

/** Validates a connection spec and turns it into dockerode options. */
export function toDockerodeOptions(
  spec: DockerConnectionSpec,
  timeoutMs: number,
): Docker.DockerOptions {
  switch (spec?.kind) {
    case 'tcp':
      return {
        protocol: 'http',
        host: assertHost(spec.host, 'connection.host'),
        port: assertInteger(spec.port, 'connection.port', 1, 65535),
        timeout: timeoutMs,
      };
    case 'socket': {
      const p = spec.socketPath;
      if (
        typeof p !== 'string' ||
        !p.startsWith('/') ||
        p.includes('\0') ||
        p.split('/').includes('..')
      ) {
        throw new InputError(
          'connection.socketPath: must be an absolute path without ".."',
        );
      }
      return { socketPath: p, timeout: timeoutMs };
    }
    case 'ssh': {
      const hostHex = normaliseHostKeySha256(
        spec.hostKeySha256,
        'connection.hostKeySha256',
      );
      if (
        typeof spec.username !== 'string' ||
        !/^[a-z_][a-z0-9_.-]{0,31}$/i.test(spec.username)
      ) {
        throw new InputError(
          'connection.username: must be a user name of letters, digits, "_", "." and "-"',
        );
      }
      if (
        !spec.privateKey ||
        (typeof spec.privateKey !== 'string' &&
          !Buffer.isBuffer(spec.privateKey))
      ) {
        throw new InputError('connection.privateKey: is required');
      }
      return {
        protocol: 'ssh',
        host: assertHost(spec.host, 'connection.host'),
        port: assertInteger(spec.port ?? 22, 'connection.port', 1, 65535),
        username: spec.username,
        // no `timeout` here: node would call setTimeout on the ssh2 channel, which has none;
        // DockerClient enforces the timeout itself for SSH
        sshOptions: {
          privateKey: spec.privateKey,
          hostHash: 'sha256',
          hostVerifier: pinnedHostVerifier(hostHex),
          readyTimeout: timeoutMs,
        } as any,
      };
    }
    default:
      throw new InputError('connection.kind: must be one of tcp, socket, ssh');
  }
}

/** A description of the target without secrets, for error messages. */
export function describeConnection(spec: DockerConnectionSpec): string {
  switch (spec.kind) {
    case 'tcp':
      return `tcp://${spec.host}:${spec.port}`;
    case 'socket':
      return `unix://${spec.socketPath}`;
    case 'ssh':
      return `ssh://${spec.username}@${spec.host}:${spec.port ?? 22}`;
    default:
      return 'docker';
  }
}
