import { InputError } from '@backstage/errors';
import type Docker from 'dockerode';
import { assertHostname, assertInteger, assertIpv4 } from '../validation';
import { normaliseHostKeySha256, pinnedHostVerifier } from '../ssh/hostKey';
import type { DockerConnectionSpec } from './types';

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
