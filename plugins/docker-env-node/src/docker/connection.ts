import { InputError } from '@backstage/errors';
import type Docker from 'dockerode';
import { isLoopbackHost } from '../config';
import { assertHostname, assertInteger, assertIpv4 } from '../validation';
import { normaliseHostKeySha256, pinnedHostVerifier } from '../ssh/hostKey';
import { socketIdleTimeoutMs } from './engineCall';
import type { DockerConnectionSpec } from './types';

function assertHost(value: unknown, field: string): string {
  if (typeof value === 'string' && /^\d+\.\d+\.\d+\.\d+$/.test(value))
    return assertIpv4(value, field);
  return assertHostname(value, field);
}

function assertInsecureAllowed(
  allowInsecure: boolean | undefined,
  host: string,
  what: string,
) {
  if (allowInsecure !== true) {
    throw new InputError(
      `connection.allowInsecure: ${what} is plain text; set allowInsecure: true (loopback labs only) or use kind portainer or ssh`,
    );
  }
  if (!isLoopbackHost(host)) {
    throw new InputError(
      `connection.allowInsecure: only allowed for loopback hosts, not ${host}`,
    );
  }
}

function defaultPort(protocol: string): number {
  return protocol === 'https:' ? 443 : 80;
}

/** dockerode options for Portainer's Docker proxy: every API path is prefixed with the endpoint's proxy path. */
function portainerOptions(
  spec: Extract<DockerConnectionSpec, { kind: 'portainer' }>,
  timeoutMs: number,
): Docker.DockerOptions {
  let url: URL;
  try {
    url = new URL(spec.baseUrl);
  } catch {
    throw new InputError('connection.baseUrl: must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InputError('connection.baseUrl: must be http(s)');
  if (url.protocol === 'http:')
    assertInsecureAllowed(spec.allowInsecure, url.hostname, 'http');
  if (
    typeof spec.apiKey !== 'string' ||
    !/^[\x21-\x7e]{8,512}$/.test(spec.apiKey)
  ) {
    throw new InputError(
      'connection.apiKey: is required and must not contain whitespace',
    );
  }
  const endpointId = assertInteger(
    spec.endpointId,
    'connection.endpointId',
    1,
    2147483647,
  );
  const root = url.pathname.replace(/\/+$/, '').replace(/\/api$/, '');
  return {
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    host: url.hostname,
    port: url.port ? Number(url.port) : defaultPort(url.protocol),
    // docker-modem puts `/${version}` in front of every API path: the proxy path goes there
    version: `${root.replace(/^\//, '')}${
      root ? '/' : ''
    }api/endpoints/${endpointId}/docker`,
    headers: { 'X-API-Key': spec.apiKey },
    ...(spec.caPem ? { ca: spec.caPem } : {}),
    timeout: socketIdleTimeoutMs(timeoutMs),
  };
}

/** Validates a connection spec and turns it into dockerode options. */
export function toDockerodeOptions(
  spec: DockerConnectionSpec,
  timeoutMs: number,
): Docker.DockerOptions {
  switch (spec?.kind) {
    case 'portainer':
      return portainerOptions(spec, timeoutMs);
    case 'tcp': {
      const host = assertHost(spec.host, 'connection.host');
      assertInsecureAllowed(spec.allowInsecure, host, 'tcp');
      return {
        protocol: 'http',
        host,
        port: assertInteger(spec.port, 'connection.port', 1, 65535),
        timeout: socketIdleTimeoutMs(timeoutMs),
      };
    }
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
      return { socketPath: p, timeout: socketIdleTimeoutMs(timeoutMs) };
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
        // DockerClient enforces its deadline on every call itself
        sshOptions: {
          privateKey: spec.privateKey,
          hostHash: 'sha256',
          hostVerifier: pinnedHostVerifier(hostHex),
          readyTimeout: timeoutMs,
        } as any,
      };
    }
    default:
      throw new InputError(
        'connection.kind: must be one of portainer, ssh, socket, tcp',
      );
  }
}

/** A description of the target without secrets, for error messages. */
export function describeConnection(spec: DockerConnectionSpec): string {
  switch (spec.kind) {
    case 'portainer':
      return `portainer endpoint ${spec.endpointId}`;
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
