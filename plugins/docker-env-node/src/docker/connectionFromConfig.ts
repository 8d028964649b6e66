import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  ConfigError,
  buildFromConfig,
  readBaseUrl,
  readSshConfig,
  readTimeoutMs,
} from '../config';
import type { DockerConnectionSpec } from './types';

/**
 * Which engine the caller means: a Portainer environment, or a guest address and its pinned key.
 *
 * @public
 */
export interface DockerTarget {
  /** Portainer environment id of the engine (kind `portainer`, the default). */
  endpointId?: number;
  /** Guest address (kinds `ssh` and `tcp`); `dockerEnv.docker.host` when unset. */
  host?: string;
  /** The guest's pinned SSH host key (kind `ssh`); `dockerEnv.ssh.hostKey` when unset. */
  hostKeySha256?: string;
}

const KINDS = ['portainer', 'ssh', 'socket', 'tcp'];

/**
 * Reads `dockerEnv.docker` and the section it relies on (`dockerEnv.portainer` for the default
 * kind `portainer`, `dockerEnv.ssh` for `ssh`). Config mistakes are {@link ConfigError}s; a
 * missing or bad target value is an `InputError`.
 *
 * @public
 */
export function dockerConnectionFromConfig(
  config: Config,
  target: DockerTarget,
): { connection: DockerConnectionSpec; timeoutMs?: number } {
  const section = 'dockerEnv.docker';
  const read = buildFromConfig(section, () => {
    const c = config.getOptionalConfig(section);
    const kind = c?.getOptionalString('kind') ?? 'portainer';
    if (!KINDS.includes(kind))
      throw new ConfigError(
        `${section}.kind: must be one of ${KINDS.join(', ')}`,
      );
    return {
      kind,
      c,
      timeoutMs: c ? readTimeoutMs(c, section) : undefined,
    };
  });
  const { kind, c, timeoutMs } = read;
  if (kind === 'portainer') {
    const p = buildFromConfig('dockerEnv.portainer', () => {
      const pc = config.getConfig('dockerEnv.portainer');
      return {
        baseUrl: readBaseUrl(pc, 'dockerEnv.portainer', '/api'),
        apiKey: pc.getString('apiKey'),
        allowInsecure: pc.getOptionalBoolean('allowInsecure') ?? false,
      };
    });
    if (target.endpointId === undefined)
      throw new InputError('endpointId: is required for the Portainer proxy');
    return {
      connection: { kind, ...p, endpointId: target.endpointId },
      timeoutMs,
    };
  }
  if (kind === 'socket') {
    return {
      connection: {
        kind,
        socketPath:
          c?.getOptionalString('socketPath') ?? '/var/run/docker.sock',
      },
      timeoutMs,
    };
  }
  const host = target.host ?? c?.getOptionalString('host');
  if (!host)
    throw new InputError(
      'host: is required (dockerEnv.docker.host or the guest address)',
    );
  if (kind === 'ssh') {
    const ssh = buildFromConfig('dockerEnv.ssh', () =>
      readSshConfig(config.getConfig('dockerEnv.ssh'), 'dockerEnv.ssh'),
    );
    return {
      connection: {
        kind,
        host,
        port: ssh.port ?? 22,
        username: ssh.username ?? 'root',
        privateKey: ssh.privateKey,
        hostKeySha256: target.hostKeySha256 ?? ssh.hostKey ?? '',
      },
      timeoutMs,
    };
  }
  // the loopback rule is checked against the caller's host when the client is built
  const allowInsecure = c?.getOptionalBoolean('allowInsecure') ?? false;
  return {
    connection: {
      kind: 'tcp',
      host,
      port: c?.getOptionalNumber('port') ?? 2375,
      allowInsecure,
    },
    timeoutMs,
  };
}
